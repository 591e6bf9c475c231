// Issue 10: createRedisRefreshCoordinator on a real redis-server, with node-redis v5, node-redis v4 and ioredis.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { RobloxCoordinationError, RobloxOAuthError, RobloxTimeoutError, type TokenSet } from '../../src';
import { createRedisRefreshCoordinator, type RedisRefreshCoordinator } from '../../src/redis';
import { tokenKey } from '../../src/tokens/refresh-coordinator';
import { connect, LIBRARIES, tokenSet, useRedisServer, type TestClient } from './helpers';
import { SECRET } from './helpers-secret';

const redis = useRedisServer({ persistent: true });   // a restart keeps the data, as in production
jest.setTimeout(30_000);

describe.each(LIBRARIES)('with %s', (library) => {
  const clients: TestClient[] = [];
  const coordinators: RedisRefreshCoordinator[] = [];
  afterEach(async () => {
    await Promise.all(coordinators.splice(0).map((c) => c.close()));
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  /** A coordinator on its own connection, as another instance would have. */
  async function instance(options: { prefix?: string; pollMs?: number; lockTtlMs?: number; secret?: string } = {}) {
    const c = await connect(library, redis().url);
    clients.push(c);
    const coordinator = createRedisRefreshCoordinator({ redis: c.client, secret: options.secret ?? SECRET, prefix: options.prefix ?? `t:${library}:`, ...options });
    coordinators.push(coordinator);
    return coordinator;
  }

  const unique = (what: string) => tokenKey(`${what}-${library}-${Math.random()}`);

  it('exactly one of 3 instances x 10 concurrent callers redeems; all adopt its TokenSet', async () => {
    const instances = await Promise.all([instance(), instance(), instance()]);
    const key = unique('rt');
    let calls = 0;
    const redeem = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 200));
      return tokenSet(calls);
    };
    const results = await Promise.all(instances.flatMap((c) => Array.from({ length: 10 }, () => c.redeem(key, redeem))));
    expect(calls).toBe(1);
    expect(new Set(results.map((t) => t.accessToken))).toEqual(new Set([tokenSet(1).accessToken]));
  });

  it('waiters are woken by pub/sub: they finish right after the holder, not after a poll interval', async () => {
    const [a, b] = await Promise.all([instance({ pollMs: 5_000 }), instance({ pollMs: 5_000 })]);
    const key = unique('rt');
    const holder = a.redeem(key, async () => {
      await new Promise((r) => setTimeout(r, 300));
      return tokenSet(7);
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    const waited = await b.redeem(key, () => Promise.reject(new Error('the waiter must not redeem')));
    const elapsed = Date.now() - started;
    expect(waited.accessToken).toBe(tokenSet(7).accessToken);
    expect(elapsed).toBeLessThan(1_000);
    await holder;
  });

  it('"grant gone" is shared: every instance gets invalid_grant from one redemption', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const key = unique('rt');
    let calls = 0;
    const refuse = async (): Promise<TokenSet> => {
      calls++;
      await new Promise((r) => setTimeout(r, 100));
      throw new RobloxOAuthError('invalid_grant', undefined, 400);
    };
    const outcomes = await Promise.allSettled([a.redeem(key, refuse), b.redeem(key, refuse), b.redeem(key, refuse)]);
    expect(calls).toBe(1);
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { error: 'invalid_grant' } });
  });

  it('an outage of the provider is not shared: the next instance tries again itself', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const key = unique('rt');
    await expect(a.redeem(key, () => Promise.reject(new RobloxTimeoutError('slow')))).rejects.toBeInstanceOf(RobloxTimeoutError);
    await expect(b.redeem(key, async () => tokenSet(2))).resolves.toMatchObject({ accessToken: tokenSet(2).accessToken });
  });

  it('Redis restarted right after a redemption: the outcome lands once Redis is back and the other instance adopts it (one redemption)', async () => {
    const [a, b] = await Promise.all([instance({ pollMs: 50 }), instance({ pollMs: 50 })]);
    const key = unique('restart');
    let calls = 0;
    let back: Promise<void> = Promise.resolve();
    const tokens = await a.redeem(key, async () => {
      calls++;
      // Redis goes away after Roblox rotated the token, before the outcome could be written.
      await redis().stop();
      back = new Promise((r) => setTimeout(r, 300)).then(() => redis().start());
      return tokenSet(7);
    });
    expect(tokens.accessToken).toBe(tokenSet(7).accessToken);   // the caller has its tokens at once
    await back;
    const deadline = Date.now() + 10_000;
    let adopted: TokenSet | undefined;
    while (!adopted && Date.now() < deadline) {
      adopted = await b.redeem(key, async () => tokenSet(100 + ++calls)).catch((err: unknown) => {
        if (!(err instanceof RobloxCoordinationError)) throw err;   // reconnecting: try again
        return undefined;
      });
      if (!adopted) await new Promise((r) => setTimeout(r, 100));
    }
    expect(calls).toBe(1);
    expect(adopted?.accessToken).toBe(tokenSet(7).accessToken);
  });

  it('Redis holds no token in clear, and no key reveals the token or its plain hash', async () => {
    const a = await instance({ prefix: `secrecy:${library}:` });
    const refreshToken = `the-refresh-token-${Math.random()}`;
    const issued = tokenSet(9);
    await a.redeem(tokenKey(refreshToken), async () => issued);
    const c = clients[0] as TestClient;
    const keys = await c.raw.keys(`secrecy:${library}:*`);
    expect(keys.length).toBeGreaterThan(0);
    const everything = [...keys, ...(await Promise.all(keys.map((k) => c.raw.get(k))))].join('\n');
    for (const secret of [refreshToken, tokenKey(refreshToken), issued.accessToken, issued.refreshToken as string]) expect(everything).not.toContain(secret);
  });

  it('instances with another prefix do not share', async () => {
    const [a, b] = await Promise.all([instance({ prefix: `p1:${library}:` }), instance({ prefix: `p2:${library}:` })]);
    const key = unique('rt');
    let calls = 0;
    await a.redeem(key, async () => tokenSet(++calls));
    await b.redeem(key, async () => tokenSet(++calls));
    expect(calls).toBe(2);
  });
});

describe('when Redis fails', () => {
  it('Redis down: a typed 503, nothing sent to Roblox; once Redis is back, the next request redeems', async () => {
    const c = await connect('node-redis v5', redis().url);
    const coordinator = createRedisRefreshCoordinator({ redis: c.client, secret: SECRET, prefix: 'down:', commandTimeoutMs: 500 });
    try {
      await redis().stop();
      let calls = 0;
      const err = await coordinator.redeem(tokenKey('rt-down'), async () => tokenSet(++calls)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RobloxCoordinationError);
      expect(err).toMatchObject({ code: 'ERR_ROBLOX_COORDINATION', status: 503 });
      expect(calls).toBe(0);
      await redis().start();
      // node-redis reconnects on its own.
      const deadline = Date.now() + 10_000;
      let done: TokenSet | undefined;
      while (!done && Date.now() < deadline) {
        done = await coordinator.redeem(tokenKey('rt-down'), async () => tokenSet(++calls)).catch(() => undefined);
        if (!done) await new Promise((r) => setTimeout(r, 200));
      }
      expect(done?.accessToken).toBe(tokenSet(1).accessToken);
    } finally {
      await redis().start();
      await coordinator.close();
      await c.close();
    }
  });

  it('a lock holder killed mid-refresh (SIGKILL) is replaced once its lock expires', async () => {
    const key = tokenKey(`rt-killed-${Math.random()}`);
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'hold-lock.ts'), redis().url, key], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    });
    try {
      // The child says when it holds the lock (it never finishes its refresh).
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => (String(d).includes('holding') ? resolve() : undefined));
        child.once('exit', () => reject(new Error('the lock holder exited early')));
      });
      child.kill('SIGKILL');
      const c = await connect('ioredis', redis().url);
      const coordinator = createRedisRefreshCoordinator({ redis: c.client, secret: SECRET, prefix: 'killed:', lockTtlMs: 1_000, pollMs: 50 });
      try {
        const started = Date.now();
        const tokens = await coordinator.redeem(key, async () => tokenSet(3));
        expect(tokens.accessToken).toBe(tokenSet(3).accessToken);
        // It waited for the dead holder's lock to expire, not longer than needed.
        expect(Date.now() - started).toBeLessThan(3_000);
      } finally {
        await coordinator.close();
        await c.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a short secret or a client of another kind, naming the option', async () => {
    expect(() => createRedisRefreshCoordinator({ redis: {}, secret: SECRET })).toThrow(/redis option must be a connected node-redis/);
    const c = await connect('node-redis v5', redis().url);
    try {
      expect(() => createRedisRefreshCoordinator({ redis: c.client, secret: 'short' })).toThrow(/secret option must be .* at least 32 characters/);
      expect(() => createRedisRefreshCoordinator({ redis: c.client, secret: SECRET, lockTtlMs: 10 })).toThrow(/lockTtlMs option/);
    } finally {
      await c.close();
    }
  });
});
