import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import { basic, clientPost, flow, post, PUBLIC_CLIENT_ID, raw, REDIRECT_URI, tokenRequest, userinfo } from './helpers';

let emu: RobloxEmulator;
beforeAll(async () => {
  emu = await createRobloxEmulator({ autoApprove: true, clients: [{ clientId: 'other-app', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] }] });
});
afterAll(() => emu.close());
afterEach(() => {
  emu.autoApprove = true;
});

const INTROSPECT = '/oauth/v1/token/introspect';
const RESOURCES = '/oauth/v1/token/resources';
const REVOKE = '/oauth/v1/token/revoke';

test('userinfo with the profile scope returns every Roblox claim', async () => {
  const t = await flow(emu);
  const res = await userinfo(emu, t.access_token);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toEqual({
    sub: '1516563360',
    name: 'Example User',
    nickname: 'Example User',
    preferred_username: 'exampleuser',
    created_at: 1584682495,
    profile: 'https://www.roblox.com/users/1516563360/profile',
    picture: `${emu.url}/avatars/1516563360.svg`,
  });
});

test('serves the default users\' headshots itself, so pictures work offline', async () => {
  const res = await fetch(`${emu.url}/avatars/1516563360.svg`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/svg+xml');
  expect(await res.text()).toMatch(/^<svg [^>]*>.*>E<\/text><\/svg>$/);
  expect((await fetch(`${emu.url}/avatars/999.svg`)).status).toBe(404);
  expect((await fetch(`${emu.url}/avatars/%E0%A4%A.svg`)).status).toBe(404);
});

test('userinfo without the profile scope returns only sub', async () => {
  const t = await flow(emu, { scope: 'openid' });
  expect((await userinfo(emu, t.access_token)).json()).toEqual({ sub: '1516563360' });
});

test('userinfo of a user without a headshot has picture null', async () => {
  emu.autoApprove = '2067243959';
  const t = await flow(emu);
  const body = (await userinfo(emu, t.access_token)).json();
  expect(body.sub).toBe('2067243959');
  expect(body).toHaveProperty('picture', null);
});

test('userinfo refuses missing, malformed, unknown and query-string tokens with 401 and WWW-Authenticate', async () => {
  const t = await flow(emu);
  const missing = await raw(emu, { path: '/oauth/v1/userinfo' });
  expect(missing.status).toBe(401);
  expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
  const wrongScheme = await raw(emu, { path: '/oauth/v1/userinfo', headers: { authorization: `Basic ${t.access_token}` } });
  expect(wrongScheme.status).toBe(401);
  const unknown = await userinfo(emu, 'not-a-token');
  expect(unknown.status).toBe(401);
  expect(unknown.headers['www-authenticate']).toContain('error="invalid_token"');
  expect(unknown.json().error).toBe('invalid_token');
  const inQuery = await raw(emu, { path: `/oauth/v1/userinfo?access_token=${t.access_token}` });
  expect(inQuery.status).toBe(401);
  const withRefresh = await userinfo(emu, t.refresh_token);
  expect(withRefresh.status).toBe(401);
});

test('userinfo with a token lacking openid is 403 insufficient_scope', async () => {
  const t = await flow(emu, { scope: 'group:read' });
  const res = await userinfo(emu, t.access_token);
  expect(res.status).toBe(403);
  expect(res.json().error).toBe('insufficient_scope');
});

test('an expired access token fails at userinfo and introspects inactive; the refresh token still works', async () => {
  let clock = Date.now();
  const quick = await createRobloxEmulator({ autoApprove: true, accessTokenTtl: 30, now: () => clock });
  try {
    const t = await flow(quick);
    expect((await userinfo(quick, t.access_token)).status).toBe(200);
    clock += 30_000;
    expect((await userinfo(quick, t.access_token)).status).toBe(401);
    expect((await clientPost(quick, INTROSPECT, t.access_token)).json()).toEqual({ active: false });
    const r = await tokenRequest(quick, { grant_type: 'refresh_token', refresh_token: t.refresh_token });
    expect(r.json().expires_in).toBe(30);
    expect((await userinfo(quick, r.json().access_token)).status).toBe(200);
  } finally {
    await quick.close();
  }
});

test('introspect describes access, refresh and ID tokens in Roblox’s shape', async () => {
  const t = await flow(emu);
  const access = await clientPost(emu, INTROSPECT, t.access_token);
  expect(access.status).toBe(200);
  expect(access.json()).toEqual({
    active: true,
    jti: expect.stringMatching(/^AT\./),
    iss: emu.issuer,
    token_type: 'Bearer',
    client_id: 'roblox-emulator-client',
    aud: 'roblox-emulator-client',
    sub: '1516563360',
    scope: 'openid profile',
    exp: expect.any(Number),
    iat: expect.any(Number),
  });
  const refresh = (await clientPost(emu, INTROSPECT, t.refresh_token)).json();
  expect(refresh).toMatchObject({ active: true, jti: expect.stringMatching(/^RT\./), sub: '1516563360' });
  expect(refresh.exp - refresh.iat).toBe(90 * 24 * 3600);
  const id = (await clientPost(emu, INTROSPECT, t.id_token)).json();
  expect(id).toMatchObject({ active: true, jti: expect.stringMatching(/^ID\./), sub: '1516563360' });
  expect((await clientPost(emu, INTROSPECT, 'garbage')).json()).toEqual({ active: false });
  // Another client learns nothing about this client's tokens.
  const foreign = await post(emu, INTROSPECT, { token: t.access_token }, { authorization: basic('other-app', 'other-secret') });
  expect(foreign.json()).toEqual({ active: false });
  // Introspection requires client authentication.
  expect((await post(emu, INTROSPECT, { token: t.access_token })).status).toBe(401);
});

test('Roblox’s quirk: a revoked access token still introspects active until it expires, but works nowhere', async () => {
  const t = await flow(emu);
  expect((await clientPost(emu, REVOKE, t.refresh_token)).status).toBe(200);
  expect((await clientPost(emu, INTROSPECT, t.access_token)).json().active).toBe(true);
  expect((await clientPost(emu, INTROSPECT, t.refresh_token)).json()).toEqual({ active: false });
  expect((await userinfo(emu, t.access_token)).status).toBe(401);
  expect((await clientPost(emu, RESOURCES, t.access_token)).status).toBe(401);
});

test('resources: nothing for identity scopes alone', async () => {
  const t = await flow(emu);
  const res = await clientPost(emu, RESOURCES, t.access_token);
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ resource_infos: [] });
});

test('resources for a user: universes and creator "U" owned by the user', async () => {
  const t = await flow(emu, { scope: 'openid universe-messaging-service:publish asset:write' });
  const res = await clientPost(emu, RESOURCES, t.access_token);
  expect(res.json()).toEqual({
    resource_infos: [{ owner: { id: '1516563360', type: 'User' }, resources: { universe: { ids: ['3828411582'] }, creator: { ids: ['U'] } } }],
  });
});

test('resources for a group owner: the group’s universes, and "U" meaning the group itself', async () => {
  emu.autoApprove = '12345678';
  const t = await flow(emu, { scope: 'openid group:read universe-messaging-service:publish' });
  expect((await clientPost(emu, RESOURCES, t.access_token)).json()).toEqual({
    resource_infos: [{ owner: { id: '7654321', type: 'Group' }, resources: { universe: { ids: ['4829112345'] }, creator: { ids: ['U'] } } }],
  });
});

test('resources refuses an invalid token, a refresh token, another client’s token and a missing token', async () => {
  const t = await flow(emu, { scope: 'openid group:read' });
  expect((await clientPost(emu, RESOURCES, 'nope')).json().error).toBe('invalid_token');
  expect((await clientPost(emu, RESOURCES, t.refresh_token)).status).toBe(401);
  const other = await post(emu, RESOURCES, { token: t.access_token }, { authorization: basic('other-app', 'other-secret') });
  expect(other.status).toBe(401);
  const missing = await post(emu, RESOURCES, {}, { authorization: basic('roblox-emulator-client', 'roblox-emulator-secret') });
  expect(missing.status).toBe(400);
  expect(missing.json().error).toBe('invalid_request');
});

test('revoking the refresh token ends both tokens, answering 200 with an empty body', async () => {
  const t = await flow(emu);
  const res = await clientPost(emu, REVOKE, t.refresh_token);
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
  expect(res.headers['content-length']).toBe('0');
  expect((await userinfo(emu, t.access_token)).status).toBe(401);
  expect((await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json().error).toBe('invalid_grant');
});

test('revoking the access token ends the grant too, including tokens from later rotations', async () => {
  const t = await flow(emu);
  const rotated = (await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json();
  expect((await clientPost(emu, REVOKE, t.access_token)).status).toBe(200);
  expect((await userinfo(emu, rotated.access_token)).status).toBe(401);
  expect((await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: rotated.refresh_token })).json().error).toBe('invalid_grant');
});

test('revoke answers 200 for unknown tokens, leaves other clients’ tokens alone, and requires client authentication', async () => {
  expect((await clientPost(emu, REVOKE, 'unknown-token')).status).toBe(200);
  const t = await flow(emu);
  const other = await post(emu, REVOKE, { token: t.refresh_token }, { authorization: basic('other-app', 'other-secret') });
  expect(other.status).toBe(200);
  expect((await userinfo(emu, t.access_token)).status).toBe(200);
  expect((await post(emu, REVOKE, { token: t.refresh_token })).status).toBe(401);
  const pub = await post(emu, REVOKE, { token: 'x', client_id: PUBLIC_CLIENT_ID });
  expect(pub.status).toBe(200);
});

test('revokeUser ends every grant of that user only', async () => {
  const a = await flow(emu);
  const b = await flow(emu, { auth: 'post' });
  emu.autoApprove = '2067243959';
  const other = await flow(emu);
  const count = emu.revokeUser('1516563360');
  expect(count).toBeGreaterThanOrEqual(2);
  for (const t of [a, b]) {
    expect((await userinfo(emu, t.access_token)).status).toBe(401);
    expect((await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json().error).toBe('invalid_grant');
  }
  expect((await userinfo(emu, other.access_token)).status).toBe(200);
  expect(emu.revokeUser('1516563360')).toBe(0);
});
