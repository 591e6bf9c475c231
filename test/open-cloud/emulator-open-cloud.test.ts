import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import type { RobloxClient } from '../../src/provider/client';
import { emulatorClient, obtainTokens } from '../helpers/middleware-tokens';
import { ALL_SCOPES, GROUP, GROUP_UNIVERSE, ME, MY_UNIVERSE, OTHER, OWNER, raw } from './helpers';

let emu: RobloxEmulator;
let client: RobloxClient;
let token: string;

beforeAll(async () => {
  emu = await createRobloxEmulator({ port: 0, autoApprove: true });
  client = emulatorClient(emu);
  token = (await obtainTokens(emu, client, { sub: ME, scope: ALL_SCOPES })).accessToken;
});
afterAll(() => emu.close());
afterEach(() => emu.reset());

describe('the emulator\'s Open Cloud: bearer tokens', () => {
  it('answers 401 in the gateway shape without a token, with an unknown one, and after the grant is revoked', async () => {
    for (const t of [undefined, 'not-a-token']) {
      const res = await raw(emu, `/cloud/v2/users/${ME}`, { token: t });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ errors: [{ code: 0, message: expect.any(String) }] });
    }
    const own = await obtainTokens(emu, client, { sub: OTHER, scope: ['openid'] });
    expect((await raw(emu, `/cloud/v2/users/${OTHER}`, { token: own.accessToken })).status).toBe(200);
    expect(emu.revokeUser(OTHER)).toBeGreaterThan(0);
    const revoked = await raw(emu, `/cloud/v2/users/${OTHER}`, { token: own.accessToken });
    expect(revoked.status).toBe(401);
    expect(revoked.json).toEqual({ errors: [{ code: 0, message: expect.any(String) }] });
  });

  it('answers 401 to an expired token', async () => {
    const short = await createRobloxEmulator({ port: 0, autoApprove: true, accessTokenTtl: 1 });
    try {
      const t = await obtainTokens(short, emulatorClient(short), { scope: ['openid'] });
      expect((await raw(short, `/cloud/v2/users/${ME}`, { token: t.accessToken })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await raw(short, `/cloud/v2/users/${ME}`, { token: t.accessToken })).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('answers unknown paths with a gateway 404 and wrong methods with 405', async () => {
    expect((await raw(emu, '/cloud/v2/nothing', { token })).status).toBe(404);
    const wrong = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });
});

describe('scopes and consent-time resources', () => {
  it('refuses publishing without the scope and to a universe the user did not share (403 PERMISSION_DENIED)', async () => {
    const noScope = await obtainTokens(emu, client, { sub: ME, scope: ['openid', 'profile'] });
    const a = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token: noScope.accessToken, body: { topic: 't', message: 'm' } });
    expect(a.status).toBe(403);
    expect(a.json).toEqual({ code: 'PERMISSION_DENIED', message: expect.any(String) });
    const b = await raw(emu, `/cloud/v2/universes/${GROUP_UNIVERSE}:publishMessage`, { token, body: { topic: 't', message: 'm' } });
    expect(b.status).toBe(403);
    expect(b.json.code).toBe('PERMISSION_DENIED');
    const c = await raw(emu, `/cloud/v2/universes/${GROUP_UNIVERSE}:restartServers`, { token, body: {} });
    expect(c.status).toBe(403);
    expect(emu.messages).toEqual([]);
  });

  it('publishes to a shared universe and records the message; checks sizes and content type', async () => {
    const ok = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: { topic: 'news', message: 'hello' } });
    expect(ok.status).toBe(200);
    expect(ok.text).toBe('');
    expect(emu.messages).toEqual([expect.objectContaining({ universeId: MY_UNIVERSE, topic: 'news', message: 'hello', sub: ME, clientId: client.clientID })]);
    const long = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: { topic: 'x'.repeat(81), message: 'm' } });
    expect(long).toMatchObject({ status: 400, json: { code: 'INVALID_ARGUMENT' } });
    const big = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: { topic: 't', message: 'm'.repeat(1025) } });
    expect(big.status).toBe(400);
    const text = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: 'topic=t', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(emu.messages).toHaveLength(1);
  });

  it('a user who unticked their experience on the consent page cannot publish to it', async () => {
    emu.autoApprove = false;
    const start = new URL(emu.endpoints.authorization);
    // Approve through the consent form with the universe unchecked: only the creator box is posted.
    const { createHash, randomBytes } = await import('node:crypto');
    const verifier = randomBytes(32).toString('base64url');
    start.search = new URLSearchParams({
      client_id: client.clientID, redirect_uri: 'http://127.0.0.1:9/callback', response_type: 'code', scope: 'openid universe-messaging-service:publish',
      state: 's'.repeat(16), code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    }).toString();
    const page = await (await fetch(start)).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)?.[1];
    const csrf = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m): [string, string] => [m[1] as string, m[2] as string]);
    expect(requestId).toEqual(expect.any(String));
    const form = new URLSearchParams([...csrf, ['decision', 'approve'], ['user', ME], [`share:${ME}:creator`, 'on']]);
    const back = await fetch(emu.endpoints.decision, { method: 'POST', body: form, redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const code = new URL(back.headers.get('location') as string).searchParams.get('code') as string;
    const { tokens } = await client.exchangeCode({ code, codeVerifier: verifier, redirectUri: 'http://127.0.0.1:9/callback' });
    expect(tokens.scope).toContain('universe-messaging-service:publish');
    expect(await client.resources(tokens.accessToken)).toMatchObject({ universes: [] });
    const res = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token: tokens.accessToken, body: { topic: 't', message: 'm' } });
    expect(res).toMatchObject({ status: 403, json: { code: 'PERMISSION_DENIED' } });
  });

  it('shows idVerified and social profiles only with their scopes', async () => {
    const plain = await obtainTokens(emu, client, { sub: ME, scope: ['openid'] });
    const a = await raw(emu, `/cloud/v2/users/${ME}`, { token: plain.accessToken });
    expect(a.json).toMatchObject({ path: `users/${ME}`, id: ME, name: 'exampleuser' });
    expect(a.json).not.toHaveProperty('idVerified');
    expect(a.json).not.toHaveProperty('socialNetworkProfiles');
    const b = await raw(emu, `/cloud/v2/users/${ME}`, { token });
    expect(b.json).toMatchObject({ idVerified: true, socialNetworkProfiles: expect.any(Object) });
  });

  it('a private inventory: its owner with the scope only; a public one: anyone', async () => {
    const other = await obtainTokens(emu, client, { sub: OTHER, scope: ALL_SCOPES });
    expect((await raw(emu, `/cloud/v2/users/${ME}/inventory-items`, { token: other.accessToken })).json).toMatchObject({ code: 'PERMISSION_DENIED' });
    const noScope = await obtainTokens(emu, client, { sub: ME, scope: ['openid'] });
    expect((await raw(emu, `/cloud/v2/users/${ME}/inventory-items`, { token: noScope.accessToken })).status).toBe(403);
    expect((await raw(emu, `/cloud/v2/users/${ME}/inventory-items`, { token })).status).toBe(200);
    expect((await raw(emu, `/cloud/v2/users/${OTHER}/inventory-items`, { token: noScope.accessToken })).status).toBe(200);
  });
});

describe('pagination and filters', () => {
  it('clamps page sizes as Roblox does and refuses a token reused with another filter', async () => {
    const big = await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?maxPageSize=500`, { token });
    expect((big.json.groupMemberships as unknown[]).length).toBe(25);
    const roles = await raw(emu, `/cloud/v2/groups/${GROUP}/roles?maxPageSize=50`, { token });
    expect(roles.status).toBe(200);
    expect((await raw(emu, `/cloud/v2/groups/${GROUP}/roles?maxPageSize=-1`, { token })).status).toBe(400);
    const first = await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?maxPageSize=10`, { token });
    expect(first.json.groupMemberships).toHaveLength(10);
    const next = first.json.nextPageToken as string;
    expect(next).not.toBe('');
    const changed = await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?maxPageSize=10&pageToken=${next}&filter=${encodeURIComponent(`user == 'users/${ME}'`)}`, { token });
    expect(changed).toMatchObject({ status: 400, json: { code: 'INVALID_ARGUMENT' } });
    expect((await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?pageToken=garbage`, { token })).status).toBe(400);
  });

  it('ends a 20-item inventory, read 10 a page, with Roblox\'s empty last page', async () => {
    const p1 = await raw(emu, `/cloud/v2/users/${ME}/inventory-items`, { token });
    expect(p1.json.inventoryItems).toHaveLength(10);
    const p2 = await raw(emu, `/cloud/v2/users/${ME}/inventory-items?pageToken=${p1.json.nextPageToken}`, { token });
    expect(p2.json.inventoryItems).toHaveLength(10);
    expect(p2.json.nextPageToken).not.toBe('');
    const p3 = await raw(emu, `/cloud/v2/users/${ME}/inventory-items?pageToken=${p2.json.nextPageToken}`, { token });
    expect(p3.json).toEqual({ inventoryItems: [], nextPageToken: '' });
  });

  it('filters memberships by user, users across groups, and role; refuses other CEL', async () => {
    const f = (s: string) => encodeURIComponent(s);
    const byUser = await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?filter=${f(`user == 'users/${OTHER}'`)}`, { token });
    expect(byUser.json.groupMemberships).toEqual([
      expect.objectContaining({ user: `users/${OTHER}`, role: `groups/${GROUP}/roles/76543213`, roles: [`groups/${GROUP}/roles/76543213`, `groups/${GROUP}/roles/76543212`] }),
    ]);
    const all = await raw(emu, `/cloud/v2/groups/-/memberships?filter=${f(`user in ['users/${ME}', 'users/${OWNER}']`)}`, { token });
    expect((all.json.groupMemberships as unknown[]).length).toBe(2);
    expect((await raw(emu, '/cloud/v2/groups/-/memberships', { token })).status).toBe(400);
    const admins = await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?filter=${f(`role == 'groups/${GROUP}/roles/76543213'`)}`, { token });
    expect(admins.json.groupMemberships).toHaveLength(1);
    expect((await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?filter=${f(`user != 'users/1'`)}`, { token })).status).toBe(400);
  });

  it('filters inventory by type and by ID, refusing mixed or incomplete filters', async () => {
    const f = (s: string) => encodeURIComponent(s);
    const badges = await raw(emu, `/cloud/v2/users/${ME}/inventory-items?filter=${f('badges=true')}`, { token });
    expect((badges.json.inventoryItems as Array<Record<string, unknown>>).every((i) => i.badgeDetails)).toBe(true);
    expect(badges.json.inventoryItems).toHaveLength(2);
    const ids = await raw(emu, `/cloud/v2/users/${ME}/inventory-items?filter=${f('gamePassIds=10002')}`, { token });
    expect(ids.json.inventoryItems).toEqual([expect.objectContaining({ gamePassDetails: { gamePassId: '10002' } })]);
    expect((await raw(emu, `/cloud/v2/users/${ME}/inventory-items?filter=${f('badges=true;assetIds=1')}`, { token })).status).toBe(400);
    expect((await raw(emu, `/cloud/v2/users/${ME}/inventory-items?filter=${f('onlyCollectibles=true')}`, { token })).status).toBe(400);
    const hats = await raw(emu, `/cloud/v2/users/${ME}/inventory-items?filter=${f('inventoryItemAssetTypes=HAT,FACE;onlyCollectibles=false')}`, { token });
    expect((hats.json.inventoryItems as Array<{ assetDetails: { inventoryItemAssetType: string } }>).every((i) => ['HAT', 'FACE'].includes(i.assetDetails.inventoryItemAssetType))).toBe(true);
    const other = await obtainTokens(emu, client, { sub: OWNER, scope: ['openid'] });
    expect((await raw(emu, `/cloud/v2/users/${OTHER}/inventory-items?filter=${f('privateServers=true')}`, { token: other.accessToken })).status).toBe(403);
  });
});

describe('per-authorization rate limits', () => {
  it('answers 429 RESOURCE_EXHAUSTED with retry-after and x-ratelimit-*, and the quota follows the grant across a refresh', async () => {
    emu.openCloud.setRateLimit('GetUser', 2);
    const t = await obtainTokens(emu, client, { sub: OWNER, scope: ['openid'] });
    const one = await raw(emu, `/cloud/v2/users/${OWNER}`, { token: t.accessToken });
    expect(one.headers.get('x-ratelimit-limit')).toBe('2, 2;w=60');
    expect(one.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(one.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
    const refreshed = await client.refresh(t.refreshToken!, { previousIdToken: t.idToken });
    expect((await raw(emu, `/cloud/v2/users/${OWNER}`, { token: refreshed.accessToken })).status).toBe(200);
    const limited = await raw(emu, `/cloud/v2/users/${OWNER}`, { token: refreshed.accessToken });
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ code: 'RESOURCE_EXHAUSTED', message: expect.any(String) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    // Another operation, and another user of the same app, have their own quotas.
    expect((await raw(emu, `/cloud/v2/groups/${GROUP}`, { token: refreshed.accessToken })).status).toBe(200);
    expect((await raw(emu, `/cloud/v2/users/${OWNER}`, { token })).status).toBe(200);
  });

  it('uses Roblox\'s documented limits by default (10 a minute for Get User)', async () => {
    const t = await obtainTokens(emu, client, { sub: OTHER, scope: ['openid'] });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await raw(emu, `/cloud/v2/users/${OTHER}`, { token: t.accessToken })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses[10]).toBe(429);
  });
});

describe('bad input', () => {
  it('answers 400 INVALID_ARGUMENT to malformed queries and bodies, and 413-sized bodies without crashing', async () => {
    expect((await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?maxPageSize=1&maxPageSize=2`, { token })).json).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await raw(emu, `/cloud/v2/groups/${GROUP}/memberships?filter=%E0%A4%A`, { token })).status).toBe(400);
    expect((await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: '{"topic":' })).json).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: '[1]' })).status).toBe(400);
    const huge = await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:publishMessage`, { token, body: { topic: 't', message: 'm'.repeat(200_000) } });
    expect(huge.status).toBe(400);
    expect((await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}:restartServers`, { token, body: { placeIds: ['x'] } })).status).toBe(400);
    expect((await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}`, { token })).status).toBe(200);
  });
});

describe('seed data and controls', () => {
  it('replaces the seed with options and refuses a bad one', async () => {
    const custom = await createRobloxEmulator({
      port: 0, autoApprove: true,
      openCloud: {
        groups: [{ id: '42', displayName: 'Answer', owner: ME, roles: [{ id: '1', displayName: 'Guest', rank: 0 }, { id: '2', displayName: 'Boss', rank: 255 }], members: [{ user: ME, roles: ['2'] }] }],
        universes: [],
        rateLimits: { GetGroup: 3 },
      },
    });
    try {
      const t = await obtainTokens(custom, emulatorClient(custom), { scope: ['openid'] });
      const g = await raw(custom, '/cloud/v2/groups/42', { token: t.accessToken });
      expect(g.json).toMatchObject({ path: 'groups/42', displayName: 'Answer', owner: `users/${ME}`, memberCount: 1 });
      expect(g.headers.get('x-ratelimit-limit')).toBe('3, 3;w=60');
      expect((await raw(custom, `/cloud/v2/groups/${GROUP}`, { token: t.accessToken })).status).toBe(404);
      expect((await raw(custom, `/cloud/v2/universes/${MY_UNIVERSE}`, { token: t.accessToken })).json).toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await custom.close();
    }
    await expect(createRobloxEmulator({ openCloud: { rateLimits: { Nope: 1 } as never } })).rejects.toThrow(/openCloud\.rateLimits/);
    await expect(createRobloxEmulator({ openCloud: { groups: [{ id: '1', displayName: 'x', roles: [], members: [{ user: '1', roles: ['9'] }] }] } })).rejects.toThrow(/members\[0\]\.roles/);
  });

  it('fails the next call and adds latency on demand; counts calls per operation', async () => {
    emu.openCloud.failNext({ status: 503, body: JSON.stringify({ code: 'UNAVAILABLE', message: 'down' }) });
    expect((await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}`, { token })).status).toBe(503);
    expect((await raw(emu, `/cloud/v2/universes/${MY_UNIVERSE}`, { token })).json).toMatchObject({ path: `universes/${MY_UNIVERSE}`, user: `users/${ME}`, rootPlace: `universes/${MY_UNIVERSE}/places/10000001` });
    emu.openCloud.setLatency(150);
    const started = Date.now();
    await raw(emu, `/cloud/v2/groups/${GROUP}`, { token });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(emu.openCloud.counters.GetUniverse).toBe(2);
    expect(() => emu.openCloud.setRateLimit('GetUser', 0)).toThrow();
  });

  it('runs a thumbnail as a long-running operation', async () => {
    const op = await raw(emu, `/cloud/v2/users/${ME}:generateThumbnail?size=150&shape=SQUARE`, { token });
    expect(op.json).toMatchObject({ path: expect.stringMatching(new RegExp(`^users/${ME}/operations/`)), done: false });
    const done = await raw(emu, `/cloud/v2/${op.json.path as string}`, { token });
    expect(done.json).toMatchObject({ done: true, response: { imageUri: expect.stringContaining('size=150') } });
    expect((await raw(emu, `/cloud/v2/users/${ME}:generateThumbnail?size=151`, { token })).status).toBe(400);
  });
});
