import { execFile } from 'node:child_process';
import path from 'node:path';
import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import { CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID, REDIRECT_URI } from './helpers';
import { REFRESH_MODES } from '../helpers/emulator';

// openid-client v6 is ESM-only: it runs in a child Node process against an emulator started here.
const SCRIPT = path.join(__dirname, 'openid-client-flow.mjs');

let emu: RobloxEmulator;

function run(input: Record<string, string>): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SCRIPT, JSON.stringify({ issuer: emu.issuer, redirectUri: REDIRECT_URI, ...input })], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`openid-client script failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string));
    });
  });
}

describe.each(REFRESH_MODES)('openid-client against the emulator, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  beforeAll(async () => {
    emu = await createRobloxEmulator({ autoApprove: true, refreshIdToken });
  });
  afterAll(() => emu.close());
  afterEach(() => emu.reset());

  test('openid-client (client_secret_basic): discovery, PKCE code flow with signed ID token, userinfo, refresh, introspect, revoke', async () => {
    const out = await run({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, auth: 'basic', scenario: 'full' });
    const user = emu.users[0]!;
    expect(out.issuer).toBe(emu.issuer);
    expect(out.authorizeStatus).toBe(302);
    expect(out.grantError).toBeUndefined();
    expect(out.claims).toEqual({ sub: user.sub, nonce: expect.any(String), iss: emu.issuer, aud: CLIENT_ID, preferred_username: user.username });
    expect(out.tokenType).toBe('bearer');
    expect(out.expiresIn).toBe(899);
    expect(out.userinfo).toEqual({
      sub: user.sub,
      name: user.displayName,
      nickname: user.displayName,
      preferred_username: user.username,
      created_at: user.createdAt,
      profile: user.profileUrl,
      picture: user.picture,
    });
    expect(out.refreshed).toEqual({ newAccessToken: true, newRefreshToken: true, ...(refreshIdToken ? { idTokenSub: user.sub } : {}) });
    expect(out.reuse).toMatchObject({ error: 'invalid_grant', status: 400 });
    expect(out.introspection).toEqual({ active: true, sub: user.sub, client_id: CLIENT_ID });
    expect(out.revoked).toBe(true);
    expect(out.userinfoAfterRevoke).toMatchObject({ status: 401 });
    expect(out.refreshAfterRevoke).toMatchObject({ error: 'invalid_grant' });
    expect(emu.counters).toMatchObject({ discovery: 1, jwks: 1, authorize: 1, token: 4, introspect: 1, revoke: 1, userinfo: 2 });
  });

  test('openid-client (public client, PKCE only): the same flow with client_id alone', async () => {
    const out = await run({ clientId: PUBLIC_CLIENT_ID, auth: 'none', scenario: 'full' });
    expect(out.grantError).toBeUndefined();
    expect(out.claims.aud).toBe(PUBLIC_CLIENT_ID);
    expect(out.userinfo.sub).toBe(emu.users[0]?.sub);
    expect(out.refreshed.newRefreshToken).toBe(true);
    expect(out.reuse).toMatchObject({ error: 'invalid_grant' });
    expect(out.userinfoAfterRevoke).toMatchObject({ status: 401 });
  });

  test('openid-client (client_secret_post) rejects an ID token signed with a foreign key: its signature check is really on', async () => {
    emu.nextIdToken({ signWith: 'foreign' });
    const out = await run({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, auth: 'post', scenario: 'code-only' });
    expect(out.claims).toBeUndefined();
    expect(out.grantError).toMatchObject({ code: 'OAUTH_INVALID_RESPONSE', cause: { message: 'JWT signature verification failed' } });
  });
});
