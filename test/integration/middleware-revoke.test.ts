import request from 'supertest';
import type { Express, Request } from 'express';
import { refreshTokens, revokeTokens, type RevokeTokensOptions, type TokenSet } from '../../src';
import { createTestApp, type TestApp } from '../helpers/app';
import { modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';

const { use: useModeEmulator, emu } = modeEmulators();
const travel = useTimeTravel();

const tokensOf = (req: Request) => (req as unknown as { session?: { robloxTokens?: TokenSet } }).session?.robloxTokens ?? null;

function appWith(options: Partial<RevokeTokensOptions> = {}, strategyOptions = {}): TestApp & { reported: Error[] } {
  const reported: Error[] = [];
  const app = createTestApp({
    emulator: emu(),
    strategyOptions,
    routes: (app: Express, { strategy }) => {
      const onError = (err: Error) => void reported.push(err);
      app.post('/logout', revokeTokens({ client: strategy.client, onError, ...options }), (req, res) => {
        res.json({
          authenticated: req.isAuthenticated(),
          hasSession: req.session !== undefined,
          tokens: req.robloxTokens ?? null,
          revokeError: req.robloxRevokeError ? { name: req.robloxRevokeError.name, code: (req.robloxRevokeError as { code?: string }).code } : null,
        });
      });
      app.post(
        '/logout-after-refresh',
        refreshTokens({ client: strategy.client }),
        (req, res, next) => { res.locals.refreshed = req.robloxTokens; next(); },
        revokeTokens({ client: strategy.client }),
        (_req, res) => res.json(res.locals.refreshed),
      );
      app.get('/test/tokens', (req, res) => res.json(tokensOf(req)));
    },
  });
  return Object.assign(app, { reported });
}

async function signedIn(app: TestApp): Promise<{ agent: Agent; tokens: TokenSet; sessionID: string }> {
  const agent = request.agent(app);
  await login(agent, emu());
  const me = (await agent.get('/me')).body as { authenticated: boolean; sessionID: string; session: { robloxTokens: TokenSet } };
  expect(me.authenticated).toBe(true);
  return { agent, tokens: me.session.robloxTokens, sessionID: me.sessionID };
}

const storedSessions = (app: TestApp) => new Promise<number>((resolve, reject) => app.sessionStore.length((err, n) => (err ? reject(err) : resolve(n ?? 0))));

describe.each(REFRESH_MODES)('revokeTokens() against the emulator, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('revokes the grant at Roblox, forgets the tokens, logs out and ends the session', async () => {
    const app = appWith();
    const { agent, tokens, sessionID } = await signedIn(app);
    expect(await storedSessions(app)).toBe(1);
    emu().resetCounters();

    const res = await agent.post('/logout').expect(200);
    expect(res.body).toEqual({ authenticated: false, hasSession: false, tokens: null, revokeError: null });
    expect(emu().counters.revoke).toBe(1);

    // revoked at Roblox: neither token works any more
    await expect(app.strategy.client.userinfo(tokens.accessToken)).rejects.toMatchObject({ error: 'invalid_token' });
    await expect(app.strategy.client.refresh(tokens.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });

    // the session is gone: nothing stored, the old cookie names no session
    expect(await storedSessions(app)).toBe(0);
    const me = (await agent.get('/me')).body as { authenticated: boolean; sessionID: string };
    expect(me.authenticated).toBe(false);
    expect(me.sessionID).not.toBe(sessionID);
    expect(app.reported).toEqual([]);
  });

  it('is idempotent: a second logout has nothing to revoke and just logs out', async () => {
    const app = appWith();
    const { agent } = await signedIn(app);
    await agent.post('/logout').expect(200);
    emu().resetCounters();
    const again = await agent.post('/logout').expect(200);
    expect(again.body).toMatchObject({ authenticated: false, revokeError: null });
    expect(emu().counters.revoke).toBe(0);
    await request(app).post('/logout').expect(200); // a visitor who never signed in
    expect(app.errors).toEqual([]);
  });

  it.each([
    ['answers 503', { status: 503 }, 'ERR_ROBLOX_RESPONSE'],
    ['resets the connection', { reset: true }, 'ERR_ROBLOX_NETWORK'],
    ['hangs beyond the timeout', { hang: true }, 'ERR_ROBLOX_TIMEOUT'],
  ])('still logs out locally when Roblox %s, and reports the failure', async (_what, failure, code) => {
    const app = appWith({}, { timeout: 300 });
    const { agent, tokens } = await signedIn(app);
    emu().failNext('revoke', failure);

    const res = await agent.post('/logout').expect(200);
    expect(res.body).toEqual({ authenticated: false, hasSession: false, tokens: null, revokeError: { name: expect.any(String), code } });
    expect(app.reported).toEqual([expect.objectContaining({ code })]);
    expect(app.errors).toEqual([]);
    expect(await storedSessions(app)).toBe(0);
    expect((await agent.get('/me')).body.authenticated).toBe(false);
    // honest about the consequence: the grant is still alive at Roblox
    await expect(app.strategy.client.userinfo(tokens.accessToken)).resolves.toMatchObject({ id: emu().users[0]!.sub });
  });

  it('keeps the session (regenerated by passport) with destroySession: false', async () => {
    const app = appWith({ destroySession: false });
    const { agent, sessionID } = await signedIn(app);
    const res = await agent.post('/logout').expect(200);
    expect(res.body).toMatchObject({ authenticated: false, hasSession: true, tokens: null });
    const me = (await agent.get('/me')).body as { authenticated: boolean; sessionID: string };
    expect(me.authenticated).toBe(false);
    expect(me.sessionID).not.toBe(sessionID);
    expect((await agent.get('/test/tokens')).body).toBeNull();
  });

  it('revokes the tokens refreshTokens() just rotated on the same request', async () => {
    const app = appWith();
    const { agent, tokens } = await signedIn(app);
    travel(AFTER_EXPIRY);
    const refreshed = (await agent.post('/logout-after-refresh').expect(200)).body as TokenSet;
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    await expect(app.strategy.client.refresh(refreshed.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(app.strategy.client.userinfo(refreshed.accessToken)).rejects.toMatchObject({ error: 'invalid_token' });
    expect((await agent.get('/me')).body.authenticated).toBe(false);
  });
});
