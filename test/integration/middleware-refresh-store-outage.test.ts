// Issue 14, defect 4: a session-store outage during the second look after invalid_grant must never cost the user
// their grant. Before the fix, the reload error was swallowed, the request's stale copy was taken as the truth,
// and the tokens were cleared (erasing a newer refresh token another process may have saved).
import request from 'supertest';
import { MemoryStore } from 'express-session';
import type { Request } from 'express';
import { refreshTokens, type TokenSet } from '../../src';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';
import { emulatorClient } from '../helpers/middleware-tokens';

const emu = useEmulator();
const travel = useTimeTravel();

/** A MemoryStore whose `get` fails from the n-th call on, once armed: a session store going down mid-request. */
class FlakyStore extends MemoryStore {
  failFrom = Infinity;
  private calls = 0;
  arm(okCalls: number) {
    this.calls = 0;
    this.failFrom = okCalls;
  }
  override get(sid: string, cb: (err: unknown, session?: never) => void): void {
    if (this.calls++ >= this.failFrom) return cb(new Error('ECONNREFUSED session store'));
    super.get(sid, cb as never);
  }
}

it('an outage in the second look answers 503 and keeps the tokens; the next request, store back, recovers', async () => {
  const store = new FlakyStore();
  const app = createTestApp({
    emulator: emu(),
    sessionStore: store,
    routes: (app, { strategy }) => {
      app.get('/api', refreshTokens({ client: strategy.client }), (_req, res) => res.json({ ok: true }));
      app.get('/test/tokens', (req: Request, res) => res.json((req.session as unknown as { robloxTokens?: TokenSet }).robloxTokens ?? null));
    },
  });
  const agent = request.agent(app);
  expect((await login(agent, emu())).location).toBe('/');
  const before = (await agent.get('/test/tokens')).body as TokenSet;

  // Another process redeemed this refresh token and is about to save the successor: Roblox refuses ours.
  const successor = await emulatorClient(emu()).refresh(before.refreshToken as string);
  travel(AFTER_EXPIRY);
  store.arm(1); // the request's own session load works; the second look does not
  const res = await agent.get('/api');
  expect(res.status).toBe(503);
  expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_COORDINATION', status: 503 })]);

  store.arm(Infinity);
  const kept = (await agent.get('/test/tokens')).body as TokenSet | null;
  expect(kept?.refreshToken).toBe(before.refreshToken);

  // The other process's save lands; the next request adopts it instead of signing the user out.
  const me = (await agent.get('/me')).body as { sessionID: string; session: Record<string, unknown> };
  await new Promise<void>((resolve, reject) =>
    store.set(me.sessionID, { ...me.session, robloxTokens: successor } as never, (err?: unknown) => (err ? reject(err) : resolve())));
  expect((await agent.get('/api')).status).toBe(200);
});
