// Issue 10, RedisTokenStore: tokens server-side on a real redis-server (node-redis v5, v4 and ioredis), sealed,
// keyed by an HMAC of the user, with the refresh token's lifetime as TTL; compare-and-set writes; Redis down or
// another secret: a typed 503 and nothing erased.
import request from 'supertest';
import type { Request } from 'express';
import { refreshTokens, revokeTokens, RobloxCoordinationError, type TokenSet } from '../../src';
import { RedisTokenStore } from '../../src/redis';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';
import { connect, LIBRARIES, tokenSet, useRedisServer, type TestClient } from './helpers';
import { SECRET } from './helpers-secret';

const redis = useRedisServer({ persistent: true });   // a restart keeps the data, as in production
const emu = useEmulator();
const travel = useTimeTravel();
jest.setTimeout(30_000);

const NINETY_DAYS_MS = 90 * 24 * 60 * 60 * 1000;

/** An app whose tokens live in `tokenStore`: /api answers the request's tokens (test only), /logout revokes. */
function appWith(tokenStore: RedisTokenStore) {
  return createTestApp({
    emulator: emu(),
    strategyOptions: { tokenStore },
    routes: (app, { strategy }) => {
      app.get('/api', refreshTokens({ client: strategy.client, store: tokenStore }), (req, res) => res.json(req.robloxTokens));
      app.post('/logout', revokeTokens({ client: strategy.client, store: tokenStore }), (_req, res) => res.json({ out: true }));
    },
  });
}

describe.each(LIBRARIES)('with %s', (library) => {
  let c: TestClient;
  beforeEach(async () => {
    c = await connect(library, redis().url);
  });
  afterEach(() => c.close());

  it('login stores the tokens sealed in Redis and none in the session; a refresh replaces them; logout forgets them', async () => {
    const prefix = `ts:${library}:`;
    const tokenStore = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix });
    const app = appWith(tokenStore);
    const agent = request.agent(app);
    expect((await login(agent, emu())).location).toBe('/');

    const me = (await agent.get('/me').expect(200)).body as { user: { id: string }; session: Record<string, unknown> };
    expect(me.session).not.toHaveProperty('robloxTokens');
    const first = (await agent.get('/api').expect(200)).body as TokenSet;
    const keys = await c.raw.keys(`${prefix}*`);
    expect(keys).toHaveLength(1);
    const key = keys[0] as string;
    // The key names neither the user nor a token; the value holds no token in clear.
    expect(key).not.toContain(me.user.id);
    const stored = (await c.raw.get(key)) as string;
    for (const secret of [first.accessToken, first.refreshToken as string, first.idToken as string]) {
      expect(stored).not.toContain(secret);
      expect(stored).not.toContain(Buffer.from(secret).toString('base64url'));
    }
    const ttl = await c.raw.pttl(key);
    expect(ttl).toBeGreaterThan(NINETY_DAYS_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(NINETY_DAYS_MS);

    emu().resetCounters();
    travel(AFTER_EXPIRY);
    const second = (await agent.get('/api').expect(200)).body as TokenSet;
    expect(emu().counters.token).toBe(1);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // Another request reads the successor from Redis (no second refresh).
    expect(((await agent.get('/api').expect(200)).body as TokenSet).refreshToken).toBe(second.refreshToken);
    expect(emu().counters.token).toBe(1);

    await agent.post('/logout').expect(200);
    expect(await c.raw.keys(`${prefix}*`)).toEqual([]);
    expect(emu().counters.revoke).toBe(1);
  });
});

describe('compare-and-set', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await connect('node-redis v5', redis().url);
  });
  afterAll(() => c.close());
  const req = (id: string) => ({ user: { id } }) as unknown as Request;

  it('a refreshed set replaces the stored one only while Redis still holds the set the request read', async () => {
    const store = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix: 'cas1:' });
    const user = req('1516563360');
    await store.set(user, tokenSet(1));                    // login: unconditional
    await store.set(user, tokenSet(2), tokenSet(1));       // this request read set 1: replaced
    expect((await store.get(user))?.refreshToken).toBe(tokenSet(2).refreshToken);
    await store.set(user, tokenSet(3), tokenSet(1));       // a late request that read set 1: set 2 stays
    expect((await store.get(user))?.refreshToken).toBe(tokenSet(2).refreshToken);
    await store.set(user, tokenSet(4));                    // a new login replaces whatever is stored
    expect((await store.get(user))?.refreshToken).toBe(tokenSet(4).refreshToken);
    // Another user's key is another key.
    expect(await store.get(req('42'))).toBeUndefined();
  });

  it('a refused set is forgotten only while it is still the stored one, never a newer one', async () => {
    const store = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix: 'cas2:' });
    const user = req('1516563360');
    await store.set(user, tokenSet(2));
    await store.delete(user, tokenSet(1));                 // refused set 1, but set 2 is stored: kept
    expect((await store.get(user))?.refreshToken).toBe(tokenSet(2).refreshToken);
    await store.delete(user, tokenSet(2));
    expect(await store.get(user)).toBeUndefined();
    await store.set(user, tokenSet(3));
    await store.delete(user);                              // logout: unconditional
    expect(await store.get(user)).toBeUndefined();
  });

  it('a user ID of another type, an empty key or no user: read as none, refused to store with the fix named', async () => {
    const store = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix: 'cas3:' });
    await store.set(({ user: { id: 7 } }) as unknown as Request, tokenSet(1));
    expect((await store.get(({ user: { id: 7 } }) as unknown as Request))?.accessToken).toBe(tokenSet(1).accessToken);
    expect((await store.get(req('7')))?.accessToken).toBe(tokenSet(1).accessToken);
    const anonymous = {} as Request;
    expect(await store.get(anonymous)).toBeUndefined();
    await expect(store.set(anonymous, tokenSet(1))).rejects.toThrow(/found no key for this request: sign the user in first, or pass a key option/);
    await expect(store.set(req('1'), { accessToken: 'x' } as TokenSet)).rejects.toThrow(/can only store a TokenSet/);
  });
});

describe('when Redis fails or the secret differs', () => {
  it.each(LIBRARIES)('Redis down (%s): the request answers 503 and logging in fails cleanly; once Redis is back, the kept tokens work', async (library) => {
    const c = await connect(library, redis().url);
    try {
      const tokenStore = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix: `down:${library}:`, commandTimeoutMs: 300 });
      const app = appWith(tokenStore);
      const agent = request.agent(app);
      expect((await login(agent, emu())).location).toBe('/');
      const before = (await agent.get('/api').expect(200)).body as TokenSet;

      await redis().stop();
      const down = await agent.get('/api');
      expect(down.status).toBe(503);
      expect(down.body.error).toMatchObject({ name: 'RobloxCoordinationError', code: 'ERR_ROBLOX_COORDINATION' });
      // A second user's login cannot store its tokens: a 503, and the login is undone, not half-done.
      const other = request.agent(app);
      const failed = await login(other, emu());
      expect(failed.callback?.status).toBe(503);
      expect(app.errors.at(-1)).toMatchObject({ name: 'RobloxCoordinationError', code: 'ERR_ROBLOX_COORDINATION' });
      expect((await other.get('/me').expect(200)).body.authenticated).toBe(false);

      await redis().start();
      const deadline = Date.now() + 10_000;
      let back = await agent.get('/api');
      while (back.status !== 200 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        back = await agent.get('/api');
      }
      expect(back.status).toBe(200);
      // The same user's failed login (same key) did not land after the reconnect: its timed-out SET was withdrawn.
      expect((back.body as TokenSet).refreshToken).toBe(before.refreshToken);
    } finally {
      await redis().start();
      await c.close();
    }
  });

  it('another secret is another namespace: that instance finds no tokens and erases nothing of the others', async () => {
    const c = await connect('ioredis', redis().url);
    try {
      const good = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix: 'secret:' });
      const wrong = new RedisTokenStore({ redis: c.client, secret: 'another-secret-of-at-least-32-characters!', prefix: 'secret:' });
      const user = ({ user: { id: '1516563360' } }) as unknown as Request;
      await good.set(user, tokenSet(1));
      expect(await wrong.get(user)).toBeUndefined();
      await wrong.delete(user);
      await wrong.delete(user, tokenSet(1));
      expect((await good.get(user))?.accessToken).toBe(tokenSet(1).accessToken);
    } finally {
      await c.close();
    }
  });

  it('a value moved to another user\'s key or altered is refused with a 503 and left in place', async () => {
    const c = await connect('node-redis v5', redis().url);
    try {
      const store = new RedisTokenStore({ redis: c.client, secret: SECRET, prefix: 'moved:' });
      const alice = ({ user: { id: '1' } }) as unknown as Request;
      const bob = ({ user: { id: '2' } }) as unknown as Request;
      await store.set(alice, tokenSet(1));
      await store.set(bob, tokenSet(2));
      const [first, second] = (await c.raw.keys('moved:*')) as [string, string];
      const [a, b] = [await c.raw.get(first), await c.raw.get(second)] as [string, string];
      const raw = c.client as { set(k: string, v: string): Promise<unknown> };
      await raw.set(first, b);                                        // swap the two users' values
      await raw.set(second, a);
      for (const user of [alice, bob]) {
        const err = await store.get(user).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RobloxCoordinationError);
        expect(err).toMatchObject({ status: 503, message: expect.stringMatching(/could not open the stored tokens: every instance must use the same secret and prefix; the tokens were kept/) });
      }
      // An altered ciphertext: one character in the middle of the sealed part changed (never the last one,
      // whose low bits base64url may not carry).
      const at = a.length - 40;
      const altered = `${a.slice(0, at)}${a[at] === 'A' ? 'B' : 'A'}${a.slice(at + 1)}`;
      await raw.set(first, altered);
      expect(await store.get(alice).catch((e: unknown) => e)).toBeInstanceOf(RobloxCoordinationError);
      expect(await c.raw.get(first)).toBe(altered);
    } finally {
      await c.close();
    }
  });

  it('refuses a short secret, a key that is not a function, a TTL under a minute or a client of another kind', async () => {
    const c = await connect('node-redis v5', redis().url);
    try {
      expect(() => new RedisTokenStore({ redis: c.client, secret: 'short' })).toThrow(/RedisTokenStore secret option must be .* at least 32 characters/);
      expect(() => new RedisTokenStore({ redis: c.client, secret: SECRET, key: 'id' as never })).toThrow(/key option must be a function/);
      expect(() => new RedisTokenStore({ redis: c.client, secret: SECRET, ttlMs: 1_000 })).toThrow(/ttlMs option must be a number of milliseconds ≥ 60000/);
      expect(() => new RedisTokenStore({ redis: {}, secret: SECRET })).toThrow(/RedisTokenStore redis option must be a connected node-redis/);
    } finally {
      await c.close();
    }
  });
});
