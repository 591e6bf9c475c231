// Issue 10: revokeTokens on several instances. A logout that read a refresh token another instance has already
// rotated must revoke the successor: revoking the spent token leaves the grant alive at Roblox. Two app instances
// (each its own client and Redis coordinator, on its own connection) share one session store; the emulator says
// whether the grant is still alive.
import request from 'supertest';
import type { MemoryStore } from 'express-session';
import { MemoryStore as SessionMemoryStore } from 'express-session';
import { refreshTokens, revokeTokens, RobloxOAuthError, type TokenSet } from '../../src';
import { createRedisRefreshCoordinator, type RedisRefreshCoordinator } from '../../src/redis';
import { createTestApp, type TestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';
import { connect, useRedisServer, type TestClient } from './helpers';
import { SECRET } from './helpers-secret';

const redis = useRedisServer();
const emu = useEmulator();
const travel = useTimeTravel();
jest.setTimeout(30_000);

const clients: TestClient[] = [];
const coordinators: RedisRefreshCoordinator[] = [];
afterEach(async () => {
  await Promise.all(coordinators.splice(0).map((c) => c.close()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** One app instance on the shared session store, with its own Redis connection and coordinator. */
async function instance(sessionStore: MemoryStore, prefix: string): Promise<TestApp> {
  const c = await connect('node-redis v5', redis().url);
  clients.push(c);
  const refreshCoordinator = createRedisRefreshCoordinator({ redis: c.client, secret: SECRET, prefix, pollMs: 50 });
  coordinators.push(refreshCoordinator);
  return createTestApp({
    emulator: emu(),
    sessionStore,
    strategyOptions: { refreshCoordinator },
    routes: (app, { strategy }) => {
      app.get('/api', refreshTokens({ client: strategy.client }), (req, res) => res.json(req.robloxTokens));
      app.post('/logout', revokeTokens({ client: strategy.client }), (req, res) => res.json({ revokeError: req.robloxRevokeError?.message ?? null }));
    },
  });
}

/** Puts `tokens` back into the session, as the session a request of instance A loaded before B saved its refresh. */
function staleSession(store: MemoryStore, sid: string, tokens: TokenSet): Promise<void> {
  return new Promise((resolve, reject) => {
    store.get(sid, (err, session) => {
      if (err || !session) return reject(err ?? new Error('no session'));
      store.set(sid, { ...session, robloxTokens: tokens } as typeof session, (e) => (e ? reject(e) : resolve()));
    });
  });
}

async function grantAlive(app: TestApp, tokens: TokenSet): Promise<boolean> {
  try {
    await app.strategy.client.refresh(tokens.refreshToken as string);
    return true;
  } catch (err) {
    if (err instanceof RobloxOAuthError && err.error === 'invalid_grant') return false;
    throw err;
  }
}

/** Instances A and B on one session store and one Redis; a user signed in through A; the user's cookie. */
async function twoInstancesAndAUser() {
  const sessions = new SessionMemoryStore();
  const prefix = `revoke:${Math.random()}:`;
  const [a, b] = [await instance(sessions, prefix), await instance(sessions, prefix)];
  const agent = request.agent(a);
  expect((await login(agent, emu())).location).toBe('/');
  const cookie = agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }).toValueString();
  return { sessions, a, b, agent, cookie };
}

it('a logout that read a refresh token another instance already rotated revokes the successor: the grant ends', async () => {
  const { sessions, b, agent, cookie } = await twoInstancesAndAUser();
  const me = (await agent.get('/me').expect(200)).body as { sessionID: string; session: { robloxTokens: TokenSet } };
  const spent = me.session.robloxTokens;

  travel(AFTER_EXPIRY);
  const rotated = (await request(b).get('/api').set('Cookie', cookie).expect(200)).body as TokenSet;
  expect(rotated.refreshToken).not.toBe(spent.refreshToken);

  await staleSession(sessions, me.sessionID, spent);
  emu().resetCounters();
  const out = (await agent.post('/logout').expect(200)).body as { revokeError: string | null };
  expect(out.revokeError).toBeNull();
  expect(emu().counters.revoke).toBe(1);
  // The successor was revoked, so the grant is gone (with the spent token revoked instead, it would be alive).
  expect(await grantAlive(b, rotated)).toBe(false);
});

it('a logout while another instance is still refreshing waits for it and revokes its result', async () => {
  const { b, agent, cookie } = await twoInstancesAndAUser();

  travel(AFTER_EXPIRY);
  emu().setLatency('token', 400);
  const refreshing = request(b).get('/api').set('Cookie', cookie);
  const refreshed = refreshing.then((res) => res.body as TokenSet);
  await new Promise((r) => setTimeout(r, 150));          // B holds the lock, Roblox has not answered yet
  const out = (await agent.post('/logout').expect(200)).body as { revokeError: string | null };
  expect(out.revokeError).toBeNull();
  const rotated = await refreshed;
  emu().setLatency('token', 0);
  expect(rotated.refreshToken).toBeDefined();
  expect(await grantAlive(b, rotated)).toBe(false);
});
