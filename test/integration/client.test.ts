import type { RobloxEmulator } from '../../src/emulator';
import type { RobloxClient } from '../../src/provider/client';
import { RobloxIdTokenError, RobloxOAuthError } from '../../src/errors';
import { emulatorClient, obtainTokens } from '../helpers/middleware-tokens';
import { REFRESH_MODES, useEmulator } from '../helpers/emulator';

const USER = '1516563360'; // default emulator user with a universe and its own account as creator
const GROUP_OWNER = '12345678'; // default emulator user who grants group 7654321
const RESOURCE_SCOPES = ['openid', 'profile', 'universe-messaging-service:publish'];

let emu: RobloxEmulator;
let client: RobloxClient;

const oauthError = (error: string) => expect.objectContaining({ name: 'RobloxOAuthError', code: 'ERR_ROBLOX_OAUTH', error });

describe.each(REFRESH_MODES)('RobloxClient against the emulator, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  const current = useEmulator({ refreshIdToken });
  beforeAll(() => {
    emu = current();
    client = emulatorClient(emu);
  });

  it('rotates refresh tokens: a new one each time, the old one rejected with invalid_grant', async () => {
    const first = await obtainTokens(emu, client);
    const second = await client.refresh(first.refreshToken!, { previousIdToken: first.idToken });
    expect(second.refreshToken).toEqual(expect.any(String));
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.expiresAt).toBeGreaterThan(Date.now() + 800_000);
    expect(second.scope).toEqual(['openid', 'profile']);

    const reused = client.refresh(first.refreshToken!);
    await expect(reused).rejects.toBeInstanceOf(RobloxOAuthError);
    await expect(reused).rejects.toEqual(oauthError('invalid_grant'));
    // the error names no token
    await reused.catch((err: Error) => expect(err.message).not.toContain(first.refreshToken!));

    const third = await client.refresh(second.refreshToken!, { previousIdToken: second.idToken });
    expect(third.refreshToken).not.toBe(second.refreshToken);
    expect(emu.counters.token).toBe(4); // code exchange, 2 refreshes, 1 rejected reuse
  });

  if (refreshIdToken) {
    it('verifies the refreshed ID token: same sub, this client, a valid signature', async () => {
      const first = await obtainTokens(emu, client);
      const next = await client.refresh(first.refreshToken!, { previousIdToken: first.idToken });
      expect(next.idToken).toEqual(expect.any(String));
      expect(next.idToken).not.toBe(first.idToken);
      const claims = await client.verifyIdToken(next.idToken!, { sub: USER });
      expect(claims).toMatchObject({ sub: USER, aud: client.clientID, iss: emu.issuer });

      emu.nextIdToken({ corruptSignature: true });
      await expect(client.refresh(next.refreshToken!, { previousIdToken: next.idToken })).rejects.toBeInstanceOf(RobloxIdTokenError);
    });

    it('rejects a refreshed ID token for another user (previousIdToken or an explicit subject)', async () => {
      const first = await obtainTokens(emu, client);
      emu.nextIdToken({ claims: { sub: '999999' } });
      const viaIdToken = client.refresh(first.refreshToken!, { previousIdToken: first.idToken });
      await expect(viaIdToken).rejects.toBeInstanceOf(RobloxIdTokenError);
      await expect(viaIdToken).rejects.toThrow(/"sub" claim does not match/);

      const other = await obtainTokens(emu, client);
      emu.nextIdToken({ claims: { sub: '999999' } });
      await expect(client.refresh(other.refreshToken!, { subject: USER })).rejects.toThrow(/"sub" claim does not match/);
    });
  } else {
    it('accepts a refresh answer without an ID token: no idToken, no key fetch, the grant still rotates', async () => {
      const first = await obtainTokens(emu, client);
      emu.resetCounters();
      const next = await client.refresh(first.refreshToken!, { previousIdToken: first.idToken });
      expect(next.idToken).toBeUndefined();
      expect(next.refreshToken).not.toBe(first.refreshToken);
      await expect(client.userinfo(next.accessToken)).resolves.toMatchObject({ id: USER });
      expect(emu.counters).toMatchObject({ token: 1, jwks: 0 });
    });
  }

  it('revoking ends the grant: refresh then fails with invalid_grant, userinfo with invalid_token', async () => {
    const byRefresh = await obtainTokens(emu, client);
    await expect(client.revoke(byRefresh.refreshToken!)).resolves.toBeUndefined();
    await expect(client.refresh(byRefresh.refreshToken!)).rejects.toEqual(oauthError('invalid_grant'));
    await expect(client.userinfo(byRefresh.accessToken)).rejects.toEqual(expect.objectContaining({ error: 'invalid_token', providerStatus: 401, status: 401 }));

    const byAccess = await obtainTokens(emu, client);
    await client.revoke(byAccess.accessToken);
    await expect(client.refresh(byAccess.refreshToken!)).rejects.toEqual(oauthError('invalid_grant'));
    await expect(client.revoke(byAccess.refreshToken!)).resolves.toBeUndefined(); // revoking twice is fine
  });

  it('introspects tokens, with Roblox\'s quirk: a revoked access token stays active until it expires', async () => {
    const tokens = await obtainTokens(emu, client);
    const info = await client.introspect(tokens.accessToken);
    expect(info).toMatchObject({ active: true, subject: USER, clientId: client.clientID, scope: ['openid', 'profile'], tokenType: 'Bearer', issuer: emu.issuer });
    expect(info.expiresAt).toBeGreaterThan(Date.now());
    expect(Math.abs(info.expiresAt! - tokens.expiresAt)).toBeLessThan(5_000);
    expect((await client.introspect(tokens.refreshToken!)).active).toBe(true);

    await client.revoke(tokens.refreshToken!);
    expect((await client.introspect(tokens.accessToken)).active).toBe(true);
    expect((await client.introspect(tokens.refreshToken!)).active).toBe(false);
    expect(await client.introspect('not-a-token')).toMatchObject({ active: false, scope: [] });
  });

  it('maps resources for a user, "U" resolved to the user\'s own account', async () => {
    const tokens = await obtainTokens(emu, client, { scope: RESOURCE_SCOPES, sub: USER });
    const owner = { type: 'User', id: USER };
    expect(await client.resources(tokens.accessToken)).toEqual({
      universes: [{ id: '3828411582', owner }],
      creators: [owner],
      owners: [owner],
    });
  });

  it('maps resources for a group owner, "U" resolved to the group', async () => {
    const tokens = await obtainTokens(emu, client, { scope: RESOURCE_SCOPES, sub: GROUP_OWNER });
    const group = { type: 'Group', id: '7654321' };
    expect(await client.resources(tokens.accessToken)).toEqual({
      universes: [{ id: '4829112345', owner: group }],
      creators: [group],
      owners: [group],
    });
  });

  it('lists no resources for identity scopes, and refuses a revoked access token', async () => {
    const tokens = await obtainTokens(emu, client);
    expect(await client.resources(tokens.accessToken)).toEqual({ universes: [], creators: [], owners: [] });
    await client.revoke(tokens.refreshToken!);
    await expect(client.resources(tokens.accessToken)).rejects.toEqual(expect.objectContaining({ error: 'invalid_token', providerStatus: 401, status: 401 }));
  });

  it('reads userinfo as a RobloxProfile', async () => {
    const tokens = await obtainTokens(emu, client, { sub: '2067243959' });
    const profile = await client.userinfo(tokens.accessToken);
    expect(profile).toMatchObject({
      provider: 'roblox', id: '2067243959', username: 'linksgoat', displayName: 'Links Goat',
      profileUrl: 'https://www.roblox.com/users/2067243959/profile', photos: [],
    });
    expect(profile.createdAt).toEqual(new Date(1607354232 * 1000));
    const other = await obtainTokens(emu, client, { sub: USER });
    expect((await client.userinfo(other.accessToken)).photos).toHaveLength(1);
  });
});
