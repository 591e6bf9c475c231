import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import type { RobloxClient } from '../../src/provider/client';
import {
  idOf, OpenCloudClient, RobloxInvalidArgumentError, RobloxNotFoundError, RobloxOpenCloudError, RobloxPermissionDeniedError,
  RobloxRateLimitError, RobloxSignInRequiredError, type OpenCloudGroupMembership,
} from '../../src/open-cloud';
import { RobloxTimeoutError } from '../../src/errors';
import { emulatorClient } from '../helpers/middleware-tokens';
import { cloudFor, GROUP, GROUP_UNIVERSE, ME, MY_UNIVERSE, OTHER, OWNER } from './helpers';

let emu: RobloxEmulator;
let client: RobloxClient;

beforeAll(async () => {
  emu = await createRobloxEmulator({ port: 0, autoApprove: true, openCloud: { thumbnailPolls: 2 } });
  client = emulatorClient(emu);
});
afterAll(() => emu.close());
afterEach(() => emu.reset());

describe('OpenCloudClient: every method against the emulator', () => {
  it('users.get: the profile, with idVerified and social profiles when the scopes allow', async () => {
    const { cloud } = await cloudFor(emu, client);
    expect(await cloud.users.get(ME)).toMatchObject({ path: `users/${ME}`, id: ME, name: 'exampleuser', displayName: 'Example User', premium: true, idVerified: true });
    const { cloud: plain } = await cloudFor(emu, client, { scope: ['openid', 'profile'] });
    const user = await plain.users.get(OTHER);
    expect(user).toMatchObject({ id: OTHER, name: 'linksgoat' });
    expect(user.idVerified).toBeUndefined();
    await expect(plain.users.get('999')).rejects.toBeInstanceOf(RobloxNotFoundError);
    expect((await cloud.users.get(ME)).socialNetworkProfiles).toEqual({ youtube: 'https://www.youtube.com/@exampleuser', visibility: 'EVERYONE' });
    emu.openCloud.failNext({ status: 200, body: JSON.stringify({ path: 'users/1', id: '1', name: 'n', displayName: 'd', socialNetworkProfiles: { youtube: 'javascript:alert(1)', twitch: 'https://twitch.tv/x' } }) });
    expect((await cloud.users.get('1')).socialNetworkProfiles).toEqual({ twitch: 'https://twitch.tv/x' });
    emu.openCloud.failNext({ status: 200, body: JSON.stringify({ path: 'users/1', id: 1 }) });
    await expect(cloud.users.get('1')).rejects.toThrow(/not shaped as documented/);
    await expect(plain.users.get('../groups/1')).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
  });

  it('users.thumbnail: polls the long-running operation until done', async () => {
    const { cloud } = await cloudFor(emu, client);
    const { imageUri } = await cloud.users.thumbnail(ME, { size: 150, shape: 'SQUARE', pollIntervalMs: 20 });
    expect(imageUri).toContain(emu.url);
    expect(imageUri).toContain('size=150');
    expect(emu.openCloud.counters.GenerateUserThumbnail).toBe(1);
    expect(emu.openCloud.counters.GetUserThumbnailOperation).toBe(2);
    await expect(cloud.users.generateThumbnail(ME, { size: 151 as never })).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
  });

  it('users.inventory: pages followed, Roblox\'s empty last page ends it, filters sent', async () => {
    const { cloud } = await cloudFor(emu, client);
    const pages = [];
    for await (const p of cloud.users.inventory(ME).pages()) pages.push(p.items.length);
    expect(pages).toEqual([10, 10]);
    expect(emu.openCloud.counters.ListInventoryItems).toBe(3); // the third answer is { inventoryItems: [], nextPageToken: '' }
    const items = await cloud.users.inventory(ME, { maxPageSize: 7 }).all();
    expect(items).toHaveLength(20);
    expect(new Set(items.map((i) => i.path)).size).toBe(20);
    const badges = await cloud.users.inventory(ME, { badges: true }).all();
    expect(badges.map((i) => i.badgeDetails?.badgeId)).toEqual(['2124451230', '2124451240']);
    const passes = await cloud.users.inventory(ME, { gamePassIds: ['10001'] }).all();
    expect(passes).toEqual([expect.objectContaining({ gamePassDetails: { gamePassId: '10001' } })]);
    expect(() => cloud.users.inventory(ME, { badges: true, assetIds: ['1'] })).toThrow(RobloxInvalidArgumentError);
    expect(() => cloud.users.inventory(ME, { onlyCollectibles: true })).toThrow(RobloxInvalidArgumentError);
  });

  it('pages end on an empty page even when Roblox still hands out a token, and a repeated token is refused', async () => {
    const { cloud } = await cloudFor(emu, client);
    emu.openCloud.failNext({ status: 200, body: JSON.stringify({ inventoryItems: [], nextPageToken: 'more' }) });
    expect(await cloud.users.inventory(ME).all()).toEqual([]);
    expect(emu.openCloud.counters.ListInventoryItems).toBe(1);
    const loop = JSON.stringify({ groupMemberships: [{ path: 'groups/1/memberships/a', user: 'users/1' }], nextPageToken: 'same' });
    emu.openCloud.failNext({ status: 200, body: loop, times: 3 });
    await expect(cloud.groups.memberships(GROUP).all()).rejects.toThrow(/page token it had already given/);
    expect(emu.openCloud.counters.ListGroupMemberships).toBe(2);
  });

  it('users.inventory: another user\'s private inventory is a 403 "forbidden", not a sign-in problem', async () => {
    const { cloud, ended } = await cloudFor(emu, client, { sub: OTHER });
    const err = await cloud.users.inventory(ME).page().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxPermissionDeniedError);
    expect(err).toMatchObject({ code: 'ERR_ROBLOX_PERMISSION_DENIED', reason: 'forbidden', providerStatus: 403, providerCode: 'PERMISSION_DENIED', status: 403 });
    expect(ended).toEqual([]);
  });

  it('groups.get, memberships (pages, user and role filters, every group), roles (clamped to 20, permissions as Roblox shows them)', async () => {
    const { cloud } = await cloudFor(emu, client, { sub: OWNER });
    expect(await cloud.groups.get(GROUP)).toMatchObject({ id: GROUP, displayName: 'Doe Builders', owner: `users/${OWNER}`, memberCount: 25 });
    const seen: OpenCloudGroupMembership[] = [];
    for await (const m of cloud.groups.memberships(GROUP)) seen.push(m);
    expect(seen).toHaveLength(25);
    expect(emu.openCloud.counters.ListGroupMemberships).toBe(3);
    const big = await cloud.groups.memberships(GROUP, { maxPageSize: 1000 }).page();
    expect(big.items).toHaveLength(25);
    expect(big.nextPageToken).toBe('');
    expect(await cloud.groups.memberships(GROUP, { user: OTHER }).all()).toEqual([expect.objectContaining({ user: `users/${OTHER}`, roles: expect.arrayContaining([`groups/${GROUP}/roles/76543213`]) })]);
    expect(await cloud.groups.memberships(GROUP, { role: '76543213' }).all()).toHaveLength(1);
    expect((await cloud.groups.memberships('-', { user: [ME, OWNER] }).all()).map((m) => m.user).sort()).toEqual([`users/${OWNER}`, `users/${ME}`].sort());
    expect(() => cloud.groups.memberships('-')).toThrow(RobloxInvalidArgumentError);
    const roles = await cloud.groups.roles(GROUP, { maxPageSize: 100 }).all();
    expect(roles.map((r) => r.rank)).toEqual([0, 1, 200, 255]);
    expect(roles.every((r) => r.permissions)).toBe(true); // owner with group:read: every role's
    const { cloud: member } = await cloudFor(emu, client, { sub: ME });
    const theirs = await member.groups.roles(GROUP).all();
    expect(theirs.filter((r) => r.permissions).map((r) => r.displayName)).toEqual(['Guest', 'Member']);
    expect(theirs[1]?.description).toBeUndefined();
    const { cloud: noRead } = await cloudFor(emu, client, { sub: ME, scope: ['openid'] });
    expect((await noRead.groups.roles(GROUP).all()).filter((r) => r.permissions).map((r) => r.displayName)).toEqual(['Guest']);
  });

  it('universes.get, publishMessage (recorded in emu.messages, sizes checked before sending), restartServers', async () => {
    const { cloud } = await cloudFor(emu, client);
    expect(await cloud.universes.get(MY_UNIVERSE)).toMatchObject({ path: `universes/${MY_UNIVERSE}`, displayName: 'Example Obby', user: `users/${ME}` });
    await cloud.universes.publishMessage(MY_UNIVERSE, { topic: 'news', message: 'Double XP!' });
    expect(emu.messages).toEqual([expect.objectContaining({ universeId: MY_UNIVERSE, topic: 'news', message: 'Double XP!', sub: ME })]);
    await expect(cloud.universes.publishMessage(MY_UNIVERSE, { topic: 'x'.repeat(81), message: 'm' })).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
    await expect(cloud.universes.publishMessage(MY_UNIVERSE, { topic: 't', message: 'm'.repeat(1025) })).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
    expect(emu.openCloud.counters.PublishUniverseMessage).toBe(1);
    await cloud.universes.restartServers(MY_UNIVERSE, { closeAllVersions: true, bleedOffServers: true, bleedOffDurationMinutes: 5 });
    expect(emu.openCloud.restarts).toEqual([expect.objectContaining({ universeId: MY_UNIVERSE, request: { closeAllVersions: true, bleedOffServers: true, bleedOffDurationMinutes: 5 } })]);
    await expect(cloud.universes.restartServers(MY_UNIVERSE, { bleedOffDurationMinutes: 61 })).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
  });

  it('request(): any other operation, typed by the caller', async () => {
    const { cloud } = await cloudFor(emu, client);
    const group = await cloud.request<{ path: string }>({ method: 'GET', path: `/cloud/v2/groups/${GROUP}` });
    expect(idOf(group.path)).toBe(GROUP);
    await expect(cloud.request({ method: 'GET', path: 'https://evil.example/x' })).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
    await expect(cloud.request({ method: 'GET', path: '/cloud/v2/../../x' })).rejects.toBeInstanceOf(RobloxInvalidArgumentError);
  });
});

describe('OpenCloudClient: permission errors told apart', () => {
  it('a missing scope is refused before sending; an unshared experience is resource_not_authorized', async () => {
    const { cloud } = await cloudFor(emu, client, { scope: ['openid', 'profile'] });
    const missing = await cloud.universes.publishMessage(MY_UNIVERSE, { topic: 't', message: 'm' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'ERR_ROBLOX_PERMISSION_DENIED', reason: 'missing_scope', missingScopes: ['universe-messaging-service:publish'], providerStatus: 0 });
    expect(emu.openCloud.counters.PublishUniverseMessage).toBe(0);
    const { cloud: full } = await cloudFor(emu, client);
    const unshared = await full.universes.publishMessage(GROUP_UNIVERSE, { topic: 't', message: 'm' }).catch((e: unknown) => e);
    expect(unshared).toBeInstanceOf(RobloxPermissionDeniedError);
    expect(unshared).toMatchObject({ reason: 'resource_not_authorized', providerStatus: 403 });
    const restart = await full.universes.restartServers(GROUP_UNIVERSE).catch((e: unknown) => e);
    expect(restart).toMatchObject({ reason: 'resource_not_authorized' });
    expect(emu.messages).toEqual([]);
  });

  it('never copies provider text into messages; keeps it capped and redacted', async () => {
    const { cloud, tokens } = await cloudFor(emu, client);
    emu.openCloud.failNext({ status: 400, body: JSON.stringify({ code: 'INVALID_ARGUMENT', message: `<script>bad token ${tokens.accessToken}\n${'x'.repeat(500)}` }) });
    const err = (await cloud.groups.get(GROUP).catch((e: unknown) => e)) as RobloxInvalidArgumentError;
    expect(err).toBeInstanceOf(RobloxInvalidArgumentError);
    expect(err.message).not.toContain('script');
    expect(err.providerMessage).not.toContain(tokens.accessToken);
    expect(err.providerMessage).not.toContain('\n');
    expect(err.providerMessage!.length).toBeLessThanOrEqual(201);
    emu.openCloud.failNext({ status: 502, body: '<html>bad gateway</html>' });
    const outage = await cloud.groups.get(GROUP).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(RobloxOpenCloudError);
    expect(outage).toMatchObject({ code: 'ERR_ROBLOX_OPEN_CLOUD', providerStatus: 502, status: 502 });
  });
});

describe('OpenCloudClient: tokens', () => {
  it('an expired access token: the 401 is answered by one refresh and one retry; the rotated tokens are handed over', async () => {
    const short = await createRobloxEmulator({ port: 0, autoApprove: true, accessTokenTtl: 1 });
    try {
      const shortClient = emulatorClient(short);
      const { cloud, tokens, saved } = await cloudFor(short, shortClient, { skewSeconds: 0 });
      await new Promise((r) => setTimeout(r, 1100));
      short.resetCounters();
      expect(await cloud.universes.get(MY_UNIVERSE)).toMatchObject({ displayName: 'Example Obby' });
      expect(short.counters.token).toBe(1);
      expect(short.openCloud.counters.GetUniverse).toBe(1); // refreshed before sending: it was already expired
      expect(saved).toHaveLength(1);
      expect(saved[0]!.refreshToken).not.toBe(tokens.refreshToken);
      expect(cloud.tokens).toBe(saved[0]);

      // Expired between the check and Roblox's (skew 0, token just valid): Roblox's 401 triggers one refresh and one retry.
      await new Promise((r) => setTimeout(r, 900));
      short.openCloud.setLatency(300);
      short.resetCounters();
      const before = short.openCloud.counters.GetUniverse;
      expect(await cloud.universes.get(MY_UNIVERSE)).toMatchObject({ displayName: 'Example Obby' });
      expect(short.counters.token).toBe(1);
      expect(short.openCloud.counters.GetUniverse - before).toBe(2);
      expect(saved).toHaveLength(2);
    } finally {
      await short.close();
    }
  });

  it('refreshes within the skew, once for concurrent calls and for two clients holding the same tokens', async () => {
    const { tokens } = await cloudFor(emu, client);
    const saved: unknown[] = [];
    const a = new OpenCloudClient({ client, tokens, skewSeconds: 10_000, onTokens: (t) => void saved.push(t) });
    const b = new OpenCloudClient({ client, tokens, skewSeconds: 10_000, onTokens: (t) => void saved.push(t) });
    emu.resetCounters();
    await Promise.all([a.groups.get(GROUP), a.universes.get(MY_UNIVERSE), b.groups.get(GROUP)]);
    expect(emu.counters.token).toBe(1);
    expect(a.tokens.accessToken).toBe(b.tokens.accessToken);
    expect(a.tokens.accessToken).not.toBe(tokens.accessToken);
  });

  it('after the user revoked the app: 401, one refresh refused, the grant ended, RobloxSignInRequiredError', async () => {
    const { cloud, saved, ended } = await cloudFor(emu, client, { sub: OTHER });
    expect(emu.revokeUser(OTHER)).toBeGreaterThan(0);
    emu.resetCounters();
    const err = await cloud.users.get(OTHER).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxSignInRequiredError);
    expect(err).toMatchObject({ code: 'ERR_ROBLOX_SIGN_IN_REQUIRED', status: 401 });
    expect(emu.counters.token).toBe(1);
    expect(emu.openCloud.counters.GetUser).toBe(1);
    expect(ended).toHaveLength(1);
    expect(saved).toEqual([]);
  });
});

describe('OpenCloudClient: rate limits and timeouts', () => {
  it('surfaces x-ratelimit-*; beyond the wait bound a RobloxRateLimitError says when to retry', async () => {
    emu.openCloud.setRateLimit('GetUser', 2);
    const { cloud } = await cloudFor(emu, client, { sub: OWNER });
    const seen: unknown[] = [];
    const watched = new OpenCloudClient({ client, tokens: cloud.tokens, onRateLimit: (i) => void seen.push(i) });
    await watched.users.get(OWNER);
    expect(watched.rateLimit).toMatchObject({ limit: '2, 2;w=60', remaining: 1, resetSeconds: expect.any(Number), resetAt: expect.any(Number) });
    expect(seen).toHaveLength(1);
    await watched.users.get(OWNER);
    const started = Date.now();
    const err = (await watched.users.get(OWNER).catch((e: unknown) => e)) as RobloxRateLimitError;
    expect(Date.now() - started).toBeLessThan(1000); // retry-after (~60 s) exceeds the 5 s bound: no wait
    expect(err).toBeInstanceOf(RobloxRateLimitError);
    expect(err).toMatchObject({ code: 'ERR_ROBLOX_RATE_LIMITED', status: 429, providerStatus: 429 });
    expect(err.retryAfterMs).toBeGreaterThan(50_000);
    expect(err.retryAt).toBeGreaterThan(Date.now() + 50_000);
    expect(err.rateLimit?.remaining).toBe(0);
  });

  it('waits out a short retry-after and succeeds', async () => {
    const { cloud } = await cloudFor(emu, client);
    emu.openCloud.failNext({ status: 429, body: JSON.stringify({ code: 'RESOURCE_EXHAUSTED', message: 'slow down' }), headers: { 'retry-after': '1' } });
    const started = Date.now();
    expect(await cloud.groups.get(GROUP)).toMatchObject({ id: GROUP });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emu.openCloud.counters.GetGroup).toBe(2);
  });

  it('gives up after maxRateLimitRetries waits', async () => {
    const { cloud } = await cloudFor(emu, client, { maxRateLimitRetries: 1 });
    emu.openCloud.failNext({ status: 429, body: '{"code":"RESOURCE_EXHAUSTED","message":"x"}', headers: { 'retry-after': '0' }, times: 2 });
    await expect(cloud.groups.get(GROUP)).rejects.toBeInstanceOf(RobloxRateLimitError);
    expect(emu.openCloud.counters.GetGroup).toBe(2);
  });

  it('times out a call that does not answer', async () => {
    const { cloud } = await cloudFor(emu, client, { timeout: 150 });
    emu.openCloud.setLatency(1000);
    await expect(cloud.groups.get(GROUP)).rejects.toBeInstanceOf(RobloxTimeoutError);
  });

  it('checks its options', () => {
    expect(() => new OpenCloudClient({ client, tokens: {} as never })).toThrow(/tokens option/);
    const tokens = { accessToken: 'a', tokenType: 'Bearer' as const, scope: [], expiresAt: Date.now() + 60_000 };
    expect(() => new OpenCloudClient({ client, tokens, baseURL: 'http://example.com' })).toThrow(/https/);
    expect(() => new OpenCloudClient({ client, tokens, timeout: 0 })).toThrow(/timeout/);
  });
});
