import request from 'supertest';
import type { Express, Request } from 'express';
import { refreshTokens, type RefreshTokensOptions, type TokenSet } from '../../src';
import { createTestApp, type TestApp } from '../helpers/app';
import { modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';

const { use: useModeEmulator, emu } = modeEmulators();
const travel = useTimeTravel();

type Session = { robloxTokens?: TokenSet };
const sessionOf = (req: Request) => (req as unknown as { session: Session }).session;

/** An app whose `/api/tokens` answers `req.robloxTokens` behind refreshTokens(), with two test-only session routes. */
function appWith(options: Partial<RefreshTokensOptions> = {}, strategyOptions = {}): TestApp & { inFlight: { now: number; max: number } } {
  const inFlight = { now: 0, max: 0 };
  const app = createTestApp({
    emulator: emu(),
    strategyOptions,
    routes: (app: Express, { strategy }) => {
      app.use('/api', (_req, res, next) => {
        inFlight.max = Math.max(inFlight.max, ++inFlight.now);
        res.on('finish', () => inFlight.now--);
        next();
      });
      app.get('/api/tokens', refreshTokens({ client: strategy.client, ...options }), (req, res) => res.json(req.robloxTokens));
      app.get('/page', refreshTokens({ client: strategy.client, redirectTo: '/login' }), (_req, res) => res.send('page'));
      app.get('/test/tokens', (req, res) => res.json(sessionOf(req).robloxTokens ?? null));
      // Simulates a concurrent request that read the session before a refresh and wrote it back afterwards.
      app.put('/test/tokens', (req, res) => {
        let body = '';
        req.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => {
          sessionOf(req).robloxTokens = JSON.parse(body) as TokenSet;
          res.sendStatus(204);
        });
      });
    },
  });
  return Object.assign(app, { inFlight });
}

async function signedIn(app: TestApp): Promise<{ agent: Agent; tokens: TokenSet }> {
  const agent = request.agent(app);
  const { location } = await login(agent, emu());
  expect(location).toBe('/');
  const tokens = (await agent.get('/test/tokens')).body as TokenSet;
  expect(tokens.refreshToken).toEqual(expect.any(String));
  return { agent, tokens };
}

describe.each(REFRESH_MODES)('refreshTokens() against the emulator, refresh answers %s', (_mode, refreshIdToken) => {
  useModeEmulator({ refreshIdToken });

  it('uses fresh tokens without calling Roblox', async () => {
    const { agent, tokens } = await signedIn(appWith());
    emu().resetCounters();
    const res = await agent.get('/api/tokens').expect(200);
    expect(res.body).toEqual(tokens);
    expect(emu().counters.token).toBe(0);
  });

  it('refreshes an expired token, persists the rotation, and sends each refresh token once', async () => {
    const app = appWith();
    const { agent, tokens: t0 } = await signedIn(app);
    emu().resetCounters();

    travel(AFTER_EXPIRY);
    const t1 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    expect(t1.accessToken).not.toBe(t0.accessToken);
    expect(t1.refreshToken).not.toBe(t0.refreshToken);
    expect(t1.expiresAt).toBeGreaterThan(Date.now() + 800_000);
    expect((await agent.get('/test/tokens')).body).toEqual(t1); // the session holds the new refresh token
    expect(emu().counters.token).toBe(1);
    await expect(app.strategy.client.userinfo(t1.accessToken)).resolves.toMatchObject({ id: emu().users[0]!.sub });

    await agent.get('/api/tokens').expect(200, t1); // fresh again: no call
    expect(emu().counters.token).toBe(1);

    travel(AFTER_EXPIRY);
    const t2 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    expect(t2.refreshToken).not.toBe(t1.refreshToken);
    expect(emu().counters.token).toBe(2); // accepted: the rotated token was sent, not the dead one
    expect(app.errors).toEqual([]);
  });

  it('gives a request that read the old tokens after the refresh the new set, without sending the dead token', async () => {
    const { agent, tokens: t0 } = await signedIn(appWith());
    travel(AFTER_EXPIRY);
    const t1 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    emu().resetCounters();

    await agent.put('/test/tokens').send(JSON.stringify(t0)).expect(204); // a stale write-back
    await agent.get('/api/tokens').expect(200, t1);
    expect(emu().counters.token).toBe(0);
    expect((await agent.get('/test/tokens')).body).toEqual(t1); // and the session is repaired
  });

  it('shares one refresh between 50 concurrent requests', async () => {
    const app = appWith();
    const { agent, tokens: t0 } = await signedIn(app);
    travel(AFTER_EXPIRY);
    emu().resetCounters();
    emu().setLatency('token', 400); // keep the refresh in flight while the requests pile up (long enough on a loaded machine)

    const responses = await Promise.all(Array.from({ length: 50 }, () => agent.get('/api/tokens')));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const accessTokens = new Set(responses.map((r) => (r.body as TokenSet).accessToken));
    expect(accessTokens.size).toBe(1);
    expect(accessTokens.has(t0.accessToken)).toBe(false);
    expect(emu().counters.token).toBe(1);
    expect(app.inFlight.max).toBeGreaterThanOrEqual(25); // they really were concurrent

    const stored = (await agent.get('/test/tokens')).body as TokenSet;
    expect(stored.accessToken).toBe([...accessTokens][0]);
    await agent.get('/api/tokens').expect(200);
    expect(emu().counters.token).toBe(1);
  });

  it('asks to sign in again (401 JSON, tokens cleared) when the user revoked the app, and does not retry', async () => {
    const app = appWith();
    const { agent } = await signedIn(app);
    expect(emu().revokeUser(emu().users[0]!.sub)).toBeGreaterThanOrEqual(1);
    travel(AFTER_EXPIRY);
    emu().resetCounters();

    const res = await agent.get('/api/tokens').expect(401);
    expect(res.body).toEqual({ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED', message: expect.stringMatching(/^Sign in with Roblox again/) });
    expect((await agent.get('/test/tokens')).body).toBeNull();
    expect(emu().counters.token).toBe(1);

    await agent.get('/api/tokens').expect(401);
    expect(emu().counters.token).toBe(1); // no tokens left to retry with
    expect(app.errors).toEqual([]); // never a 500
    expect((await agent.get('/me')).body.authenticated).toBe(true); // the app's own login is the app's call
  });

  it('redirects to sign in when configured, and answers text to text clients', async () => {
    const { agent } = await signedIn(appWith());
    emu().revokeUser(emu().users[0]!.sub);
    travel(AFTER_EXPIRY);
    const page = await agent.get('/page').expect(302);
    expect(page.headers.location).toBe('/login');
    const text = await agent.get('/api/tokens').set('Accept', 'text/plain').expect(401);
    expect(text.text).toMatch(/Sign in with Roblox again.*ERR_ROBLOX_SIGN_IN_REQUIRED/);
  });

  it('asks to sign in when a signed-out visitor has no tokens', async () => {
    const res = await request(appWith()).get('/api/tokens').expect(401);
    expect(res.body.code).toBe('ERR_ROBLOX_SIGN_IN_REQUIRED');
  });

  if (refreshIdToken) {
    it('treats a refreshed ID token for another user as an auth failure: tokens cleared, sign in again', async () => {
      const app = appWith();
      const { agent } = await signedIn(app);
      travel(AFTER_EXPIRY);
      emu().nextIdToken({ claims: { sub: '999999' } });
      await agent.get('/api/tokens').expect(401);
      expect((await agent.get('/test/tokens')).body).toBeNull();
      expect(app.errors).toEqual([]);
    });
  } else {
    it('accepts a refresh answer without an ID token and keeps the ID token of the login', async () => {
      const app = appWith();
      const { agent, tokens: t0 } = await signedIn(app);
      expect(t0.idToken).toEqual(expect.any(String));
      travel(AFTER_EXPIRY);
      const t1 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
      expect(t1.refreshToken).not.toBe(t0.refreshToken);
      expect(t1.idToken).toBe(t0.idToken);
      expect((await agent.get('/test/tokens')).body).toEqual(t1);
      expect(app.errors).toEqual([]);
    });
  }

  it('refreshes Roblox-sized tokens: a JWT access token and an 841-character JWE refresh token', async () => {
    const { agent, tokens: t0 } = await signedIn(appWith());
    travel(AFTER_EXPIRY);
    const t1 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    for (const t of [t0, t1]) {
      expect(t.refreshToken).toHaveLength(841);
      expect(t.refreshToken!.split('.')).toHaveLength(5);
      expect(t.accessToken.split('.')).toHaveLength(3);
    }
    expect(t1.idToken === t0.idToken).toBe(!refreshIdToken);
  });

  it.each([
    ['a 503', { status: 503 }, 'ERR_ROBLOX_RESPONSE'],
    ['a hang beyond the timeout', { hang: true }, 'ERR_ROBLOX_TIMEOUT'],
    ['a reset connection', { reset: true }, 'ERR_ROBLOX_NETWORK'],
    ['broken JSON', { status: 200, body: '{"access_token":' }, 'ERR_ROBLOX_RESPONSE'],
  ])('passes an outage (%s) to next(err), keeps the tokens, and recovers once Roblox is back', async (_what, failure, code) => {
    const status = code === 'ERR_ROBLOX_TIMEOUT' ? 504 : 502;
    const app = appWith({}, { timeout: 300 });
    const { agent, tokens: t0 } = await signedIn(app);
    travel(AFTER_EXPIRY);
    emu().failNext('token', failure);

    const res = await agent.get('/api/tokens').expect(status);
    expect(res.body.error.code).toBe(code);
    expect(app.errors).toEqual([expect.objectContaining({ code, status })]);
    expect((await agent.get('/test/tokens')).body).toEqual(t0); // kept

    const t1 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    expect(t1.refreshToken).not.toBe(t0.refreshToken);
    expect((await agent.get('/test/tokens')).body).toEqual(t1);
  });

  it.each([
    ['a 503', { status: 503 }],
    ['a hang beyond the timeout', { hang: true }],
    ['a malformed key set', { status: 200, body: '{"keys":[1]}' }],
  ])('keeps the rotated tokens when the JWKS, due for a refetch, fails (%s): the known keys still verify', async (_what, failure) => {
    const app = appWith({}, { timeout: 300 });
    const { agent, tokens: t0 } = await signedIn(app);
    travel(AFTER_EXPIRY); // past the cached JWKS' 10-minute max age too
    emu().resetCounters();
    emu().failNext('jwks', failure);

    const t1 = (await agent.get('/api/tokens').expect(200)).body as TokenSet;
    expect(t1.refreshToken).not.toBe(t0.refreshToken);
    expect((await agent.get('/test/tokens')).body).toEqual(t1);
    // Only a refreshed ID token needs the keys: without one, the failing JWKS is not even asked.
    expect(emu().counters).toMatchObject({ token: 1, jwks: refreshIdToken ? 1 : 0 });
    expect(app.errors).toEqual([]);
  });
});
