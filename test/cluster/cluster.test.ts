// Issue 10, "Done means": 3 real app processes (Express 5, express-session on one connect-redis store, the Redis
// refresh coordinator), 20 users, 12 concurrent requests per user spread round-robin over the processes right
// after each of 3 access-token expiries: exactly one refresh per user per expiry (counted at the emulator), nobody
// asked to sign in again, no error; the same with the emulator revoking the grant when a refresh token is reused.
// The same load on cookie sessions with the tokens in a RedisTokenStore; with 50 ms of latency each way between
// the instances and Redis; and with Redis restarted in the middle of an expiry's burst.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET, type RobloxEmulator } from '../../src/emulator';
import { useRedisServer } from '../redis/helpers';
import { SECRET } from '../redis/helpers-secret';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';

const redis = useRedisServer({ persistent: true });   // a restart keeps the data, as in production
jest.setTimeout(120_000);

const USERS = 20;
const REQUESTS_PER_USER = 12;
const EXPIRIES = 3;
const ACCESS_TOKEN_TTL_S = 3;

interface Instance {
  child: ChildProcess;
  base: string;
}

function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'app-process.ts')], {
    env: { ...process.env, ...env, TS_NODE_TRANSPILE_ONLY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += String(d)));
    child.stdout?.on('data', (d: Buffer) => {
      const port = /listening (\d+)/.exec(String(d))?.[1];
      if (port) resolve({ child, base: `http://127.0.0.1:${port}` });
    });
    child.once('exit', (code) => reject(new Error(`app process exited (${code}): ${err}`)));
  });
}

async function stopInstance(instance: Instance): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** One user's browser: the cookies of 127.0.0.1 (sent to every instance, as behind a load balancer). */
async function signIn(app: Instance): Promise<string> {
  const jar = new Map<string, string>();
  let cookie = '';
  const keep = (res: Response) => {
    for (const set of res.headers.getSetCookie()) {
      const [pair] = set.split(';') as [string];
      jar.set(pair.slice(0, pair.indexOf('=')), pair);
    }
    cookie = [...jar.values()].join('; ');
  };
  const start = await fetch(`${app.base}/auth/roblox`, { redirect: 'manual' });
  keep(start);
  const authorize = await fetch(start.headers.get('location') as string, { redirect: 'manual' });
  const callback = await fetch(authorize.headers.get('location') as string, { redirect: 'manual', headers: { cookie } });
  keep(callback);
  if (callback.headers.get('location') !== '/') throw new Error(`login failed: ${callback.status} ${callback.headers.get('location')}`);
  return cookie;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePort } = require('../../scripts/redis-server.js') as { freePort: () => Promise<number> };

interface Result {
  /** Refresh calls that reached the emulator, per expiry. */
  refreshes: number[];
  /** Requests answered 401 (sign in again), per expiry. */
  signedOut: number[];
  /** Other non-200 answers, per expiry. */
  errors: number[];
  /** Users whose grant no longer works after the run. */
  lostGrants: number;
}

interface Scenario {
  coordinator: 'redis' | 'in-process';
  revokeOnRefreshReuse: boolean;
  /** Where sessions live (default: connect-redis). */
  sessions?: 'redis' | 'cookie';
  /** Where tokens live (default: the session). */
  tokens?: 'session' | 'redis';
  /** Latency added each way between the instances and Redis (ms). */
  redisLatencyMs?: number;
  /** Restart Redis this many ms into the burst of the second expiry. */
  restartRedisAfterMs?: number;
}

async function scenario(options: Scenario): Promise<Result> {
  const { coordinator, revokeOnRefreshReuse } = options;
  // 20 Roblox users: a server-side token store keeps one set per user, so each browser is another user.
  const users = Array.from({ length: USERS }, (_, u) => ({ sub: String(2_000_000 + u), username: `user${u}`, displayName: `User ${u}`, createdAt: new Date('2015-01-01') }));
  const emu: RobloxEmulator = await createRobloxEmulator({ port: 0, users, autoApprove: true, accessTokenTtl: ACCESS_TOKEN_TTL_S, revokeOnRefreshReuse });
  const instances: Instance[] = [];
  let proxy: LatencyProxy | undefined;
  try {
    if (options.redisLatencyMs) proxy = await startLatencyProxy({ port: redis().port }, options.redisLatencyMs);
    const ports = [await freePort(), await freePort(), await freePort()];
    const env = {
      REDIS_URL: proxy?.url ?? redis().url, ISSUER: emu.issuer, CLIENT_ID: ROBLOX_EMULATOR_CLIENT_ID, CLIENT_SECRET: ROBLOX_EMULATOR_CLIENT_SECRET,
      COORDINATOR: coordinator, SECRET, CALLBACK_URL: `http://127.0.0.1:${ports[0]}/auth/roblox/callback`,
      SESSIONS: options.sessions ?? 'redis', TOKENS: options.tokens ?? 'session',
    };
    instances.push(...(await Promise.all(ports.map((port) => startInstance({ ...env, PORT: String(port) })))));
    const cookies: string[] = [];
    for (let u = 0; u < USERS; u++) {
      emu.autoApprove = (users[u] as { sub: string }).sub;
      cookies.push(await signIn(instances[u % instances.length] as Instance));
    }

    const result: Result = { refreshes: [], signedOut: [], errors: [], lostGrants: 0 };
    for (let round = 0; round < EXPIRIES; round++) {
      // Past the access token's lifetime (and the 1 s skew): every request below finds it expired.
      await new Promise((r) => setTimeout(r, ACCESS_TOKEN_TTL_S * 1000 + 200));
      emu.resetCounters();
      const restart = round === 1 && options.restartRedisAfterMs !== undefined
        ? new Promise((r) => setTimeout(r, options.restartRedisAfterMs)).then(() => redis().restart())
        : Promise.resolve();
      const answers = await Promise.all(cookies.flatMap((cookie, u) =>
        Array.from({ length: REQUESTS_PER_USER }, (_, i) =>
          fetch(`${(instances[(u + i) % instances.length] as Instance).base}/api`, { headers: { cookie } }).then(async (res) => {
            await res.arrayBuffer();
            return res.status;
          }))));
      await restart;
      result.refreshes.push(emu.counters.token);
      result.signedOut.push(answers.filter((s) => s === 401).length);
      result.errors.push(answers.filter((s) => s !== 200 && s !== 401).length);
    }
    // Is every grant still alive? One more expiry, one request per user.
    await new Promise((r) => setTimeout(r, ACCESS_TOKEN_TTL_S * 1000 + 200));
    const last = await Promise.all(cookies.map((cookie, u) => fetch(`${(instances[u % instances.length] as Instance).base}/api`, { headers: { cookie } }).then((r) => r.status)));
    result.lostGrants = last.filter((s) => s !== 200).length;
    return result;
  } finally {
    await Promise.all(instances.map(stopInstance));
    await proxy?.close();
    await emu.close();
  }
}

const exactlyOneRefreshEach = {
  refreshes: Array(EXPIRIES).fill(USERS),
  signedOut: Array(EXPIRIES).fill(0),
  errors: Array(EXPIRIES).fill(0),
  lostGrants: 0,
};

describe('3 app processes on one Redis, 20 users x 12 concurrent requests at each of 3 expiries', () => {
  it.each([false, true])('Redis coordinator (grant revoked on refresh-token reuse: %p): one refresh per user per expiry, nobody signed out', async (revoke) => {
    const result = await scenario({ coordinator: 'redis', revokeOnRefreshReuse: revoke });
    // Reported for the issue's numbers (the assertions below are what must hold).
    process.stdout.write(`cluster redis revokeOnReuse=${revoke}: ${JSON.stringify(result)}\n`);
    expect(result).toEqual(exactlyOneRefreshEach);
  });

  it('cookie sessions with the tokens in a RedisTokenStore (grant revoked on reuse): the same', async () => {
    const result = await scenario({ coordinator: 'redis', revokeOnRefreshReuse: true, sessions: 'cookie', tokens: 'redis' });
    process.stdout.write(`cluster cookie sessions + RedisTokenStore: ${JSON.stringify(result)}\n`);
    expect(result).toEqual(exactlyOneRefreshEach);
  });

  it('50 ms of latency each way between the instances and Redis (grant revoked on reuse): the same', async () => {
    const result = await scenario({ coordinator: 'redis', revokeOnRefreshReuse: true, redisLatencyMs: 50 });
    process.stdout.write(`cluster redis latency 50 ms: ${JSON.stringify(result)}\n`);
    expect(result).toEqual(exactlyOneRefreshEach);
  });

  it('Redis restarted during an expiry\'s burst (grant revoked on reuse): errors while it is down, but one refresh per user, nobody signed out, no grant lost', async () => {
    const result = await scenario({ coordinator: 'redis', revokeOnRefreshReuse: true, restartRedisAfterMs: 20 });
    process.stdout.write(`cluster redis restarted: ${JSON.stringify(result)}\n`);
    // The requests in flight when Redis went away fail (503 or the session store's error) and are not retried
    // here; no refresh token is redeemed twice, and the next expiry refreshes everyone once.
    expect(result.signedOut).toEqual(Array(EXPIRIES).fill(0));
    expect(result.lostGrants).toBe(0);
    expect([result.refreshes[0], result.refreshes[2]]).toEqual([USERS, USERS]);
    expect(result.refreshes[1]).toBeLessThanOrEqual(USERS);
    expect([result.errors[0], result.errors[2]]).toEqual([0, 0]);
  });
});
