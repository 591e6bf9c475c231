import { RobloxConfigurationError } from '../../src/errors';
import {
  createRobloxEmulator,
  ROBLOX_EMULATOR_CLIENT_ID,
  ROBLOX_EMULATOR_CLIENT_SECRET,
  ROBLOX_EMULATOR_PUBLIC_CLIENT_ID,
  ROBLOX_EMULATOR_USERS,
  type RobloxEmulatorOptions,
} from '../../src/emulator';
import { GrantStore } from '../../src/emulator/grants';
import { authorize, clientPost, flow, getCode, REDIRECT_URI, tokenRequest, userinfo } from './helpers';

test('defaults: two loopback clients, three Roblox-shaped users, Roblox lifetimes', async () => {
  const emu = await createRobloxEmulator();
  try {
    expect(emu.host).toBe('127.0.0.1');
    expect(emu.autoApprove).toBe(false);
    expect(emu.clients.map((c) => [c.clientId, c.clientSecret, c.allowLoopbackRedirects])).toEqual([
      [ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET, true],
      [ROBLOX_EMULATOR_PUBLIC_CLIENT_ID, undefined, true],
    ]);
    expect(emu.clients[0]?.scopes).toEqual(expect.arrayContaining(['openid', 'profile', 'universe-messaging-service:publish', 'user.inventory-item:read', 'group:read', 'asset:read']));
    expect(emu.users).toHaveLength(3);
    for (const u of emu.users) expect(u.sub).toMatch(/^\d+$/);
    expect(emu.users.some((u) => u.picture === null)).toBe(true);
    expect(emu.users.some((u) => u.resources.groups.length > 0)).toBe(true);
    expect(emu.users[0]).toMatchObject({ sub: '1516563360', username: 'exampleuser', profileUrl: 'https://www.roblox.com/users/1516563360/profile' });
  } finally {
    await emu.close();
  }
});

test('given users come first (a default sub is replaced), given clients are added, a default client ID is replaced', async () => {
  const emu = await createRobloxEmulator({
    users: [
      { sub: '1', username: 'one', displayName: 'One', createdAt: new Date('2020-01-01T00:00:00Z'), picture: 'https://example.test/1.png' },
      { sub: '1516563360', username: 'renamed', displayName: 'Renamed', createdAt: 1 },
    ],
    clients: [
      { clientId: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: 'mine', redirectUris: ['https://x.test/cb'] },
      { clientId: 'pub', redirectUris: ['https://x.test/cb'], scopes: ['openid'] },
    ],
  });
  try {
    expect(emu.users.map((u) => u.sub)).toEqual(['1', '1516563360', '2067243959', '12345678']);
    expect(emu.users[0]?.createdAt).toBe(1577836800);
    expect(emu.users[1]?.username).toBe('renamed');
    expect(emu.clients.map((c) => c.clientId)).toEqual([ROBLOX_EMULATOR_PUBLIC_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_ID, 'pub']);
    expect(emu.clients[1]).toMatchObject({ clientSecret: 'mine', allowLoopbackRedirects: false, name: ROBLOX_EMULATOR_CLIENT_ID });
    expect(emu.clients[2]?.scopes).toEqual(['openid']);
  } finally {
    await emu.close();
  }
  const only = await createRobloxEmulator({ includeDefaultUsers: false, users: [{ sub: '7', username: 'seven', displayName: 'Seven', createdAt: 0 }] });
  try {
    expect(only.users.map((u) => u.sub)).toEqual(['7']);
  } finally {
    await only.close();
  }
});

test.each<[string, RobloxEmulatorOptions]>([
  ['port', { port: -1 }],
  ['port', { port: 1.5 }],
  ['clientId', { clients: [{ clientId: '', redirectUris: [] }] }],
  ['twice', { clients: [{ clientId: 'a', redirectUris: [] }, { clientId: 'a', redirectUris: [] }] }],
  ['redirectUris', { clients: [{ clientId: 'a', redirectUris: ['https://x.test/cb#frag'] }] }],
  ['redirectUris', { clients: [{ clientId: 'a', redirectUris: ['not a url'] }] }],
  ['scopes', { clients: [{ clientId: 'a', redirectUris: [], scopes: ['two words'] }] }],
  ['createdAt', { users: [{ sub: '1', username: 'u', displayName: 'U', createdAt: Number.NaN }] }],
  ['username', { users: [{ sub: '1', username: '', displayName: 'U', createdAt: 0 }] }],
  ['twice', { users: [{ sub: '1', username: 'u', displayName: 'U', createdAt: 0 }, { sub: '1', username: 'v', displayName: 'V', createdAt: 0 }] }],
  ['autoApprove', { autoApprove: 'nobody' }],
  ['accessTokenTtl', { accessTokenTtl: 0 }],
  ['codeTtl', { codeTtl: -5 }],
  ['users must not be empty', { includeDefaultUsers: false }],
])('a bad option (%s) is refused with a message naming it', async (name, options) => {
  const err = await createRobloxEmulator(options).then(
    async (emu) => {
      await emu.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RobloxConfigurationError);
  expect((err as Error).message).toContain(name);
});

test('a port already in use makes creation fail', async () => {
  const first = await createRobloxEmulator();
  try {
    await expect(createRobloxEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
  } finally {
    await first.close();
  }
});

test('the now option drives every lifetime: codes, access tokens, refresh tokens', async () => {
  let clock = Date.now();
  const emu = await createRobloxEmulator({ autoApprove: true, now: () => clock });
  try {
    const { code, verifier } = await getCode(emu);
    clock += 61_000;
    const late = await tokenRequest(emu, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT_URI });
    expect(late.json().error).toBe('invalid_grant');

    const t = await flow(emu);
    clock += 898_000;
    expect((await userinfo(emu, t.access_token)).status).toBe(200);
    clock += 2_000;
    expect((await userinfo(emu, t.access_token)).status).toBe(401);
    expect((await clientPost(emu, '/oauth/v1/token/introspect', t.access_token)).json()).toEqual({ active: false });

    clock += 90 * 24 * 3600 * 1000;
    const refresh = await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token });
    expect(refresh.json().error).toBe('invalid_grant');
  } finally {
    await emu.close();
  }
});

test('expired entries are purged lazily so memory does not grow without bound', () => {
  let clock = 1_000_000;
  const store = new GrantStore(() => clock);
  const resources = { universes: [], creator: false, groups: [] };
  const code = store.addCode({ clientId: 'c', redirectUri: 'r', scope: ['openid'], nonce: undefined, sub: 's', resources, codeChallenge: undefined, expiresAt: clock + 60_000 });
  store.addPending({ clientId: 'c', redirectUri: 'r', responseType: 'code', scope: [], state: undefined, nonce: undefined, codeChallenge: undefined, expiresAt: clock + 600_000 });
  const grant = store.addGrant({ clientId: 'c', sub: 's', scope: ['openid'], resources });
  const base = { grantId: grant.id, clientId: 'c', sub: 's', scope: ['openid'], issuedAt: clock };
  store.addAccess('at', { ...base, jti: 'AT.1', expiresAt: clock + 899_000 });
  store.setRefresh(grant, 'rt', { ...base, jti: 'RT.1', expiresAt: clock + 3_600_000 });
  expect(store.size).toEqual({ pending: 1, codes: 1, grants: 1, access: 1, refresh: 1 });
  expect(store.getCode(code)).toBeDefined();

  clock += 3_600_001;
  // A later write (a new grant and its token) purges; the expired grant and everything of it are gone.
  const later = store.addGrant({ clientId: 'c', sub: 's', scope: ['openid'], resources });
  store.addAccess('later', { ...base, grantId: later.id, jti: 'AT.2', issuedAt: clock, expiresAt: clock + 899_000 });
  expect(store.size).toEqual({ pending: 0, codes: 0, grants: 1, access: 1, refresh: 0 });
  expect(store.getGrant(grant.id)).toBeUndefined();
});

test('a refresh token expiring is not a revocation: the grant\'s unexpired access tokens keep working after a purge', async () => {
  let clock = Date.now();
  const emu = await createRobloxEmulator({ autoApprove: true, now: () => clock, refreshTokenTtl: 60, accessTokenTtl: 600 });
  try {
    const t = await flow(emu, { scope: 'openid profile universe-messaging-service:publish' });
    clock += 61_000;
    // The refresh token has expired; a write more than 5 s after the last purge purges expired entries...
    await flow(emu);
    // ...and the access token, good for 10 minutes, still works everywhere.
    expect((await userinfo(emu, t.access_token)).status).toBe(200);
    const resources = await clientPost(emu, '/oauth/v1/token/resources', t.access_token);
    expect(resources.status).toBe(200);
    expect(resources.json().resource_infos).toHaveLength(1);
    expect((await clientPost(emu, '/oauth/v1/token/introspect', t.access_token)).json().active).toBe(true);
    expect((await tokenRequest(emu, { grant_type: 'refresh_token', refresh_token: t.refresh_token })).json().error).toBe('invalid_grant');

    clock += 540_000;
    expect((await userinfo(emu, t.access_token)).status).toBe(401);
  } finally {
    await emu.close();
  }
});

test('a grant is purged only once the last token issued from it has expired', () => {
  let clock = 1_000_000;
  const store = new GrantStore(() => clock);
  const resources = { universes: [], creator: false, groups: [] };
  const grant = store.addGrant({ clientId: 'c', sub: 's', scope: ['openid'], resources });
  const base = { grantId: grant.id, clientId: 'c', sub: 's', scope: ['openid'], issuedAt: clock };
  store.addAccess('at', { ...base, jti: 'AT.1', expiresAt: clock + 899_000 });
  store.setRefresh(grant, 'rt', { ...base, jti: 'RT.1', expiresAt: clock + 60_000 });

  clock += 60_001;
  store.purge();
  expect(store.size).toMatchObject({ grants: 1, access: 1, refresh: 0 });
  expect(store.getGrant(grant.id)).toBeDefined();

  clock += 839_000;
  store.purge();
  expect(store.size).toMatchObject({ grants: 0, access: 0, refresh: 0 });
});

test('the default users are deeply frozen: mutating them cannot leak into later emulators', async () => {
  const [first] = ROBLOX_EMULATOR_USERS as unknown as Array<{ displayName: string; resources: { universes: string[] } }>;
  expect(() => first!.resources.universes.push('666')).toThrow(TypeError);
  expect(() => {
    first!.displayName = 'Hacked';
  }).toThrow(TypeError);
  const emu = await createRobloxEmulator({ autoApprove: true });
  try {
    const t = await flow(emu, { scope: 'openid profile universe-messaging-service:publish' });
    expect((await userinfo(emu, t.access_token)).json().name).toBe('Example User');
    const infos = (await clientPost(emu, '/oauth/v1/token/resources', t.access_token)).json().resource_infos;
    expect(infos[0].resources.universe.ids).toEqual(['3828411582']);
  } finally {
    await emu.close();
  }
});

test('emu.clients and emu.users are frozen: they cannot change the running emulator', async () => {
  const emu = await createRobloxEmulator({
    autoApprove: true,
    clients: [{ clientId: 'app', clientSecret: 's', redirectUris: ['https://app.example/cb'] }],
    users: [{ sub: '1', username: 'one', displayName: 'One', createdAt: 0, resources: { universes: ['10'], groups: [{ id: 'g', universes: ['20'] }] } }],
  });
  try {
    for (const c of emu.clients) {
      expect(() => (c.redirectUris as string[]).push('https://evil.example/cb')).toThrow(TypeError);
      expect(() => (c.scopes as string[]).push('openid')).toThrow(TypeError);
      expect(Object.isFrozen(c)).toBe(true);
    }
    for (const u of emu.users) {
      expect(Object.isFrozen(u)).toBe(true);
      expect(() => (u.resources.universes as string[]).push('666')).toThrow(TypeError);
      expect(() => (u.resources.groups as Array<unknown>).push({ id: 'x', universes: [], creator: true })).toThrow(TypeError);
      for (const g of u.resources.groups) {
        expect(Object.isFrozen(g)).toBe(true);
        expect(() => (g.universes as string[]).push('666')).toThrow(TypeError);
      }
    }
    for (const client_id of ['app', ROBLOX_EMULATOR_CLIENT_ID]) {
      const res = await authorize(emu, { client_id, redirect_uri: 'https://evil.example/cb', response_type: 'code', scope: 'openid', code_challenge: undefined });
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
  } finally {
    await emu.close();
  }
});
