import type { RobloxEmulator } from '../../src/emulator';
import type { RobloxClient } from '../../src/provider/client';
import { RobloxNetworkError, RobloxOAuthError, RobloxResponseError, RobloxTimeoutError } from '../../src/errors';
import type { TokenSet } from '../../src/tokens/token-set';
import { startEmulator, useEmulator } from '../helpers/emulator';
import { emulatorClient, obtainTokens } from '../helpers/middleware-tokens';

let emu: RobloxEmulator;
let client: RobloxClient;
let tokens: TokenSet;

const current = useEmulator();
beforeAll(async () => {
  emu = current();
  client = emulatorClient(emu, { timeout: 300 });
  tokens = await obtainTokens(emu, client);
});

describe('RobloxClient when the provider misbehaves', () => {
  it('gives up on a hanging token endpoint after its timeout with RobloxTimeoutError', async () => {
    emu.failNext('token', { hang: true });
    const started = Date.now();
    const attempt = client.refresh(tokens.refreshToken!);
    await expect(attempt).rejects.toBeInstanceOf(RobloxTimeoutError);
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_ROBLOX_TIMEOUT', message: expect.stringMatching(/within 300 ms/) });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_500);
    // the hung request never reached the grant: the refresh token is still good
    tokens = await client.refresh(tokens.refreshToken!);
  });

  it('times out on slow answers too (latency beyond the timeout)', async () => {
    emu.setLatency('userinfo', 1_000);
    await expect(client.userinfo(tokens.accessToken)).rejects.toBeInstanceOf(RobloxTimeoutError);
    emu.setLatency('userinfo', 0);
    await expect(client.userinfo(tokens.accessToken)).resolves.toMatchObject({ id: '1516563360' });
  });

  it.each([
    ['a 503 page', { status: 503, body: '<html>Service Unavailable</html>', contentType: 'text/html' }, 503],
    ['a 500 with an OAuth-shaped server_error body', { status: 500 }, 500],
    ['a 502 with an empty body', { status: 502, body: '' }, 502],
  ])('maps %s from the token endpoint to RobloxResponseError', async (_what, failure, status) => {
    emu.failNext('token', failure);
    const attempt = client.refresh(tokens.refreshToken!);
    await expect(attempt).rejects.toBeInstanceOf(RobloxResponseError);
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_ROBLOX_RESPONSE', providerStatus: status, status: 502 });
    await expect(attempt).rejects.not.toBeInstanceOf(RobloxOAuthError);
  });

  it('maps broken JSON with status 200 to RobloxResponseError (token, userinfo, introspect, resources)', async () => {
    emu.failNext('token', { status: 200, body: '{"access_token":' });
    await expect(client.refresh(tokens.refreshToken!)).rejects.toMatchObject({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringMatching(/not JSON/) });
    emu.failNext('userinfo', { status: 200, body: 'not json' });
    await expect(client.userinfo(tokens.accessToken)).rejects.toBeInstanceOf(RobloxResponseError);
    emu.failNext('userinfo', { status: 200, body: '{"sub":""}' });
    await expect(client.userinfo(tokens.accessToken)).rejects.toMatchObject({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringMatching(/without a sub/) });
    emu.failNext('introspect', { status: 200, body: '{"nope":true}' });
    await expect(client.introspect(tokens.accessToken)).rejects.toThrow(/without "active"/);
    emu.failNext('resources', { status: 200, body: '[]' });
    await expect(client.resources(tokens.accessToken)).rejects.toThrow(/without resource_infos/);
  });

  it('maps a token response without an access token to RobloxResponseError', async () => {
    emu.failNext('token', { status: 200, body: '{"token_type":"Bearer","expires_in":899}' });
    await expect(client.refresh(tokens.refreshToken!)).rejects.toThrow(/no access_token/);
  });

  it('maps a reset connection to RobloxNetworkError', async () => {
    emu.failNext('revoke', { reset: true });
    // A generous timeout: the point is the reset, which a loaded machine must not turn into a timeout.
    const patient = emulatorClient(emu, { timeout: 10_000 });
    await expect(patient.revoke(tokens.refreshToken!)).rejects.toBeInstanceOf(RobloxNetworkError);
  });

  it('maps an unreachable provider to RobloxNetworkError once endpoints are known', async () => {
    const spare = await startEmulator();
    const c = emulatorClient(spare, { timeout: 300 });
    const t = await obtainTokens(spare, c);
    await spare.close();
    const attempt = c.refresh(t.refreshToken!);
    await expect(attempt).rejects.toBeInstanceOf(RobloxNetworkError);
    await expect(attempt).rejects.toMatchObject({ code: 'ERR_ROBLOX_NETWORK', message: expect.stringMatching(/^POST http:\/\/127.0.0.1:\d+\/oauth\/v1\/token failed/) });
  });

  it('after all that, the grant still works', async () => {
    const next = await client.refresh(tokens.refreshToken!);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect((await client.userinfo(next.accessToken)).id).toBe('1516563360');
  });
});
