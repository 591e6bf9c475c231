import request from 'supertest';
import type { Request } from 'express';
import { refreshTokens, RobloxClient, type TokenSet } from '../../src';
import { rescuedRefreshToken } from '../../src/tokens/rescued';
import { createTestApp, type TestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';
import { emulatorClient, obtainTokens } from '../helpers/middleware-tokens';

const emu = useEmulator();
const travel = useTimeTravel();

const sessionTokens = (req: Request) => (req as unknown as { session: { robloxTokens?: TokenSet } }).session.robloxTokens ?? null;

function appWithRefresh(): TestApp {
  return createTestApp({
    emulator: emu(),
    routes: (app, { strategy }) => {
      app.get('/api/tokens', refreshTokens({ client: strategy.client }), (req, res) => res.json(req.robloxTokens));
      app.get('/test/tokens', (req, res) => res.json(sessionTokens(req)));
    },
  });
}

// Answers that carry a really rotated refresh token beside a field we cannot accept.
const malformed: [string, Record<string, unknown> | ((body: Record<string, unknown>) => Record<string, unknown>)][] = [
  ['a non-numeric expires_in', { expires_in: 'soon' }],
  ['no access_token', { access_token: undefined }],
  ['a token_type other than Bearer', { token_type: 'MAC' }],
  ['an id_token that is not a string', { id_token: 42 }],
  // Issue 9 rule 2: 1e308 made the stored TokenSet unreadable (expiresAt = Infinity) and signed the user out.
  ['an expires_in of 1e308', { expires_in: 1e308 }],
  // Issue 9 rule 4: a token that cannot go into an HTTP header was an untyped TypeError (500).
  ['an access_token with a CRLF in it', { access_token: 'at\r\nX-Injected: 1' }],
];

describe('a refresh answer that rotated the refresh token but is malformed otherwise', () => {
  it.each(malformed)('RobloxClient.refresh rejects %s and hands over the new refresh token out of band', async (_what, tweak) => {
    const client: RobloxClient = emulatorClient(emu());
    const tokens = await obtainTokens(emu(), client);
    emu().nextTokenResponse(tweak);
    const err: unknown = await client.refresh(tokens.refreshToken!).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_ROBLOX_RESPONSE' });
    const rescued = rescuedRefreshToken(err);
    expect(rescued).toEqual(expect.any(String));
    expect(rescued).not.toBe(tokens.refreshToken);
    // Out of band only: the error itself, however it is logged, holds no token.
    expect(JSON.stringify(err)).not.toContain(rescued);
    expect(require('node:util').inspect(err, { depth: 5 })).not.toContain(rescued);
    // The rescued token is the grant's live key: it refreshes, and the spent one does not.
    await expect(client.refresh(tokens.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refresh(rescued!)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('rescues nothing when the answer carried no new refresh token', async () => {
    const client = emulatorClient(emu());
    const tokens = await obtainTokens(emu(), client);
    emu().nextTokenResponse({ expires_in: -1, refresh_token: undefined });
    const err: unknown = await client.refresh(tokens.refreshToken!).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_ROBLOX_RESPONSE' });
    expect(rescuedRefreshToken(err)).toBeUndefined();
  });

  it('refreshTokens() answers the fault (502) but stores the new refresh token, so the next request refreshes and the grant lives', async () => {
    const app = appWithRefresh();
    const agent = request.agent(app);
    expect((await login(agent, emu())).location).toBe('/');
    const before = (await agent.get('/test/tokens')).body as TokenSet;

    travel(AFTER_EXPIRY);
    emu().nextTokenResponse({ expires_in: 'soon' });
    await agent.get('/api/tokens').expect(502);
    const kept = (await agent.get('/test/tokens')).body as TokenSet;
    expect(kept.refreshToken).not.toBe(before.refreshToken);
    expect(kept.accessToken).toBe(before.accessToken); // the rest of the set stays as it was

    emu().resetCounters();
    const after = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    expect(after.refreshToken).not.toBe(kept.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now() + 800_000);
    expect(emu().counters.token).toBe(1);
    expect(app.errors.map((e) => e.code)).toEqual(['ERR_ROBLOX_RESPONSE']);
  });
});
