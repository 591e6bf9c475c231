import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import {
  basic,
  CLIENT_ID,
  CLIENT_SECRET,
  flow,
  getCode,
  post,
  PUBLIC_CLIENT_ID,
  raw,
  REDIRECT_URI,
  sleep,
  tokenRequest,
  userinfo,
} from './helpers';

let emu: RobloxEmulator;
beforeAll(async () => {
  emu = await createRobloxEmulator({ autoApprove: true, clients: [{ clientId: 'spaced id', clientSecret: 'se:cr+et %', redirectUris: [REDIRECT_URI] }] });
});
afterAll(() => emu.close());

function expectTokenResponse(body: any, scope: string, idToken = true): void {
  expect(body).toEqual({
    access_token: expect.any(String),
    refresh_token: expect.any(String),
    token_type: 'Bearer',
    expires_in: 899,
    ...(idToken ? { id_token: expect.any(String) } : {}),
    scope,
  });
}

const exchange = (code: string, verifier: string | undefined, o = {}) =>
  tokenRequest(emu, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI }, o);

test('confidential client, PKCE, client_secret_basic: full code flow with no-store', async () => {
  const { code, verifier } = await getCode(emu);
  const res = await exchange(code, verifier, { auth: 'basic' });
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expectTokenResponse(res.json(), 'openid profile');
  expect((await userinfo(emu, res.json().access_token)).status).toBe(200);
});

test('confidential client, PKCE, client_secret_post: full code flow', async () => {
  const { code, verifier } = await getCode(emu);
  const res = await exchange(code, verifier, { auth: 'post' });
  expect(res.status).toBe(200);
  expectTokenResponse(res.json(), 'openid profile');
});

test('Basic credentials are form-urlencoded before base64 (RFC 6749 §2.3.1)', async () => {
  const o = { clientId: 'spaced id', clientSecret: 'se:cr+et %' };
  const { code, verifier } = await getCode(emu, o);
  const res = await exchange(code, verifier, { ...o, auth: 'basic' });
  expect(res.status).toBe(200);
});

test('confidential client without PKCE (Roblox allows it) and without redirect_uri at the token endpoint', async () => {
  const { code } = await getCode(emu, { usePkce: false, scope: 'openid' });
  const res = await tokenRequest(emu, { grant_type: 'authorization_code', code });
  expect(res.status).toBe(200);
  expectTokenResponse(res.json(), 'openid');
});

test('public client: client_id and PKCE only', async () => {
  const o = { clientId: PUBLIC_CLIENT_ID, auth: 'none' as const };
  const { code, verifier } = await getCode(emu, o);
  const res = await exchange(code, verifier, o);
  expect(res.status).toBe(200);
  expectTokenResponse(res.json(), 'openid profile');
});

test('a public client presenting a secret is refused', async () => {
  const { code, verifier } = await getCode(emu, { clientId: PUBLIC_CLIENT_ID });
  const res = await exchange(code, verifier, { clientId: PUBLIC_CLIENT_ID, clientSecret: 'made-up', auth: 'post' });
  expect(res.status).toBe(401);
  expect(res.json().error).toBe('invalid_client');
});

test('a wrong code_verifier is 401 invalid_grant (as Roblox answers), and a malformed one 400 invalid_request', async () => {
  const a = await getCode(emu);
  const wrong = await exchange(a.code, 'x'.repeat(43));
  expect(wrong.status).toBe(401);
  expect(wrong.json().error).toBe('invalid_grant');

  const b = await getCode(emu);
  const malformed = await exchange(b.code, 'too-short');
  expect(malformed.status).toBe(400);
  expect(malformed.json().error).toBe('invalid_request');

  const c = await getCode(emu);
  const missing = await exchange(c.code, undefined);
  expect(missing.status).toBe(401);
  expect(missing.json().error).toBe('invalid_grant');

  const d = await getCode(emu, { usePkce: false });
  const downgrade = await exchange(d.code, 'y'.repeat(43));
  expect(downgrade.status).toBe(401);
  expect(downgrade.json().error).toBe('invalid_grant');
});

test('a code is single-use: the replay fails (401 invalid_grant, as Roblox answers) and revokes the tokens issued from it', async () => {
  const { code, verifier } = await getCode(emu);
  const first = await exchange(code, verifier);
  expect(first.status).toBe(200);
  const second = await exchange(code, verifier);
  expect(second.status).toBe(401);
  expect(second.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  expect((await userinfo(emu, first.json().access_token)).status).toBe(401);
  const refresh = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: first.json().refresh_token });
  expect(refresh.json().error).toBe('invalid_grant');
});

test('an expired code is 401 invalid_grant, as Roblox answers', async () => {
  const quick = await createRobloxEmulator({ autoApprove: true, codeTtl: 0.15 });
  try {
    const { code, verifier } = await getCode(quick);
    await sleep(250);
    const res = await tokenRequest(quick, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
    expect(res.status).toBe(401);
    expect(res.json().error).toBe('invalid_grant');
  } finally {
    await quick.close();
  }
});

test('a redirect_uri differing from the authorize one is 400 invalid_grant (RFC 6749: Roblox evidence is silent)', async () => {
  const { code, verifier } = await getCode(emu);
  const res = await tokenRequest(emu, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: `${REDIRECT_URI}/` });
  expect(res.status).toBe(400);
  expect(res.json().error).toBe('invalid_grant');
});

test('a code issued to another client, or never issued, is 401 invalid_grant, as Roblox answers', async () => {
  const { code, verifier } = await getCode(emu, { clientId: PUBLIC_CLIENT_ID });
  const res = await exchange(code, verifier);
  expect(res.status).toBe(401);
  expect(res.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
  const unknown = await exchange('never-issued-code', verifier);
  expect(unknown.status).toBe(401);
  expect(unknown.json().error).toBe('invalid_grant');
  expect(unknown.body).not.toContain('never-issued-code');
});

test('credentials in both the Basic header and the body are rejected with 400 invalid_request', async () => {
  const { code, verifier } = await getCode(emu);
  const res = await post(
    emu,
    '/oauth/v1/token',
    { grant_type: 'authorization_code', code, code_verifier: verifier, client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    { authorization: basic(CLIENT_ID, CLIENT_SECRET) },
  );
  expect(res.status).toBe(400);
  expect(res.json().error).toBe('invalid_request');
});

test('a wrong secret, an unknown client or no authentication is 401 invalid_client, without echoing the secret', async () => {
  const { code, verifier } = await getCode(emu);
  const basicWrong = await exchange(code, verifier, { clientSecret: 'wrong-secret-value' });
  expect(basicWrong.status).toBe(401);
  expect(basicWrong.json().error).toBe('invalid_client');
  expect(basicWrong.headers['www-authenticate']).toMatch(/^Basic /);
  expect(basicWrong.body).not.toContain('wrong-secret-value');
  const postWrong = await exchange(code, verifier, { auth: 'post', clientSecret: 'nope' });
  expect(postWrong.status).toBe(401);
  const unknown = await exchange(code, verifier, { clientId: 'ghost', auth: 'post' });
  expect(unknown.status).toBe(401);
  const none = await post(emu, '/oauth/v1/token', { grant_type: 'authorization_code', code });
  expect(none.status).toBe(401);
  const confidentialAsPublic = await exchange(code, verifier, { auth: 'none' });
  expect(confidentialAsPublic.status).toBe(401);
  // None of the unauthenticated attempts burned the code.
  expect((await exchange(code, verifier)).status).toBe(200);
});

test('unknown and missing grant types', async () => {
  const a = await tokenRequest(emu, { grant_type: 'client_credentials' });
  expect(a.status).toBe(400);
  expect(a.json().error).toBe('unsupported_grant_type');
  const b = await tokenRequest(emu, {});
  expect(b.json().error).toBe('invalid_request');
});

test('refresh tokens rotate: each refresh returns new tokens (no ID token, as in Roblox\'s example), and the old refresh token is dead', async () => {
  const first = await flow(emu, { nonce: 'n-1' });
  const r1 = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
  expect(r1.status).toBe(200);
  const b1 = r1.json();
  expectTokenResponse(b1, 'openid profile', false);
  expect(b1.refresh_token).not.toBe(first.refresh_token);
  expect(b1.access_token).not.toBe(first.access_token);

  const reuse = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
  expect(reuse.status).toBe(400);
  expect(reuse.json().error).toBe('invalid_grant');

  const r2 = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: b1.refresh_token }, { auth: 'post' });
  expect(r2.status).toBe(200);
  expect((await userinfo(emu, r2.json().access_token)).status).toBe(200);
});

test('a refresh token only works for its own client, and scope may only narrow', async () => {
  const t = await flow(emu, { scope: 'openid profile group:read' });
  const other = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token }, { clientId: 'spaced id', clientSecret: 'se:cr+et %' });
  expect(other.json().error).toBe('invalid_grant');
  const wider = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token, scope: 'openid asset:write' });
  expect(wider.json().error).toBe('invalid_scope');
  const narrower = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token, scope: 'openid' });
  expect(narrower.status).toBe(200);
  expect(narrower.json().scope).toBe('openid');
});

test('refreshIdToken: true makes a refresh answer carry a fresh ID token (Roblox\'s prose), without the nonce', async () => {
  const withId = await createRobloxEmulator({ autoApprove: true, refreshIdToken: true });
  try {
    const first = await flow(withId, { nonce: 'n-1' });
    const r1 = await tokenRequest(withId, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(r1.status).toBe(200);
    const b1 = r1.json();
    expectTokenResponse(b1, 'openid profile');
    expect(b1.id_token).not.toBe(first.id_token);
    const jwks = createLocalJWKSet(withId.jwks());
    const { payload } = await jwtVerify(b1.id_token, jwks, { issuer: withId.issuer, audience: CLIENT_ID, algorithms: ['ES256'] });
    expect(payload.sub).toBe(withId.users[0]!.sub);
    expect(payload.nonce).toBeUndefined();
    // Without openid there is still none.
    const resourceOnly = await flow(withId, { scope: 'universe-messaging-service:publish' });
    const r2 = await tokenRequest(withId, { grant_type: 'refresh_token', refresh_token: resourceOnly.refresh_token });
    expect(r2.json().id_token).toBeUndefined();
  } finally {
    await withId.close();
  }
});

test('revokeOnRefreshReuse: presenting a spent refresh token ends the grant', async () => {
  const strict = await createRobloxEmulator({ autoApprove: true, revokeOnRefreshReuse: true });
  try {
    const t = await flow(strict);
    const rotated = (await tokenRequest(strict, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json();
    expect((await tokenRequest(strict, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json().error).toBe('invalid_grant');
    const after = await tokenRequest(strict, { grant_type: 'refresh_token', refresh_token: rotated.refresh_token });
    expect(after.json().error).toBe('invalid_grant');
  } finally {
    await strict.close();
  }
});

test('the ID token is ES256 with kid and typ, verifies against the JWKS, and carries Roblox’s claims and the nonce', async () => {
  const before = Math.floor(Date.now() / 1000);
  const t = await flow(emu, { nonce: 'nonce-abc' });
  const header = decodeProtectedHeader(t.id_token);
  expect(header).toEqual({ alg: 'ES256', kid: emu.jwks().keys[0]?.kid, typ: 'JWT' });
  const jwks = createLocalJWKSet((await raw(emu, { path: '/oauth/v1/certs' })).json());
  const { payload } = await jwtVerify(t.id_token, jwks, { issuer: emu.issuer, audience: CLIENT_ID, algorithms: ['ES256'] });
  const user = emu.users[0]!;
  expect(payload).toEqual({
    sub: user.sub,
    name: user.displayName,
    nickname: user.displayName,
    preferred_username: user.username,
    created_at: user.createdAt,
    profile: `https://www.roblox.com/users/${user.sub}/profile`,
    nonce: 'nonce-abc',
    jti: expect.stringMatching(/^ID\./),
    nbf: expect.any(Number),
    exp: expect.any(Number),
    iat: expect.any(Number),
    iss: emu.issuer,
    aud: CLIENT_ID,
  });
  expect(payload.picture).toBeUndefined();
  expect(payload.iat).toBeGreaterThanOrEqual(before);
  expect((payload.exp as number) - (payload.iat as number)).toBe(36000);
});

test('without a nonce the ID token has none; without profile it has no profile claims; without openid there is no ID token', async () => {
  const plain = await flow(emu, { scope: 'openid' });
  const claims = JSON.parse(Buffer.from(plain.id_token.split('.')[1], 'base64url').toString());
  expect(claims.nonce).toBeUndefined();
  expect(claims.name).toBeUndefined();
  expect(claims.preferred_username).toBeUndefined();
  const resourceOnly = await flow(emu, { scope: 'universe-messaging-service:publish' });
  expect(resourceOnly.id_token).toBeUndefined();
  expect(resourceOnly.scope).toBe('universe-messaging-service:publish');
});

test('the access token is an ES256 JWT with Roblox\'s claims, verifiable with the JWKS, exp = iat + 900', async () => {
  const t = await flow(emu, { scope: 'openid profile universe-messaging-service:publish' });
  expect(decodeProtectedHeader(t.access_token)).toEqual({ alg: 'ES256', kid: emu.jwks().keys[0]?.kid, typ: 'JWT' });
  const { payload } = await jwtVerify(t.access_token, createLocalJWKSet(emu.jwks()), { issuer: emu.issuer, audience: CLIENT_ID, algorithms: ['ES256'] });
  // Roblox's example, claim for claim and in its order.
  expect(Object.keys(payload)).toEqual(['sub', 'aid', 'scope', 'jti', 'nbf', 'exp', 'iat', 'iss', 'aud']);
  expect(payload).toEqual({
    sub: emu.users[0]?.sub,
    aid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    scope: 'openid:read profile:read universe-messaging-service:publish',
    jti: expect.stringMatching(/^AT\.[A-Za-z0-9_-]{20}$/),
    nbf: payload.iat,
    exp: (payload.iat as number) + 900,
    iat: expect.any(Number),
    iss: emu.issuer,
    aud: CLIENT_ID,
  });
  expect(t.expires_in).toBe(899);
  // The token answer's own scope stays space-separated names, as in Roblox's example.
  expect(t.scope).toBe('openid profile universe-messaging-service:publish');
  // The grant's aid survives a refresh.
  const r = (await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json();
  expect(JSON.parse(Buffer.from(r.access_token.split('.')[1], 'base64url').toString()).aid).toBe(payload.aid);
});

test('tokens have Roblox\'s shapes and sizes: an 841-character JWE refresh token, JWTs near Roblox\'s 528 and 654 characters', async () => {
  const t = await flow(emu, { nonce: '12345' });
  const parts = t.refresh_token.split('.');
  expect(parts).toHaveLength(5);
  expect(parts[1]).toBe(''); // alg dir: no encrypted key
  expect(JSON.parse(Buffer.from(parts[0], 'base64url').toString())).toEqual({ alg: 'dir', enc: 'A256CBC-HS512', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), typ: 'JWT' });
  expect(Buffer.from(parts[2], 'base64url')).toHaveLength(16); // IV
  expect(Buffer.from(parts[4], 'base64url')).toHaveLength(32); // tag
  expect(t.refresh_token).toHaveLength(841);
  // Roblox's examples: access token 528, ID token 654 characters; ours differ only by the emulator's issuer and client ID.
  expect(Math.abs(t.access_token.length - 528)).toBeLessThan(40);
  expect(Math.abs(t.id_token.length - 654)).toBeLessThan(40);
  const total = t.access_token.length + t.refresh_token.length + t.id_token.length;
  expect(total).toBeGreaterThan(1900);
  const again = (await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json();
  expect(again.refresh_token).toHaveLength(841);
  expect(again.refresh_token).not.toBe(t.refresh_token);
});
