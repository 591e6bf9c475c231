import express, { type ErrorRequestHandler } from 'express';
import cookieSession from 'cookie-session';
import { Passport } from 'passport';
import request from 'supertest';
import {
  cookieSessionCompat, MemoryTokenStore, refreshTokens, revokeTokens, RobloxStrategy, type TokenSet, type TokenStore,
} from '../../src';
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, useEmulator } from '../helpers/emulator';
import { authorizeAt, beginLogin, finishLogin, login } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';

const emu = useEmulator();
const travel = useTimeTravel();

/** Each Set-Cookie header of a response, with its size in bytes. */
const setCookies = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []);
const sessionCookieJSON = (res: { headers: Record<string, unknown> }) => {
  const cookie = setCookies(res).find((c) => c.startsWith('session='));
  const value = cookie?.slice('session='.length).split(';')[0] ?? '';
  return value ? Buffer.from(value, 'base64').toString('utf8') : '';
};

function cookieApp(options: { tokenStore?: TokenStore; bigUser?: boolean; userInfo?: boolean; compat?: false } = {}) {
  const passport = new Passport();
  const strategy = new RobloxStrategy(
    {
      clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: CALLBACK_URL, issuer: emu().issuer, timeout: 2000,
      ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
      ...(options.userInfo === false ? { userInfo: false } : {}),
    },
    async (_at, _rt, profile) => ({ id: profile.id, displayName: profile.displayName, ...(options.bigUser ? { notes: 'x'.repeat(3500) } : {}) }),
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const store = options.tokenStore ? { store: options.tokenStore } : {};

  const app = express();
  app.use(cookieSession({ name: 'session', keys: ['test-cookie-key'], sameSite: 'lax', httpOnly: true }));
  if (options.compat !== false) app.use(cookieSessionCompat());
  app.use(passport.initialize());
  app.use(passport.session());
  app.get('/auth/roblox', passport.authenticate('roblox'));
  app.get('/auth/roblox/callback', passport.authenticate('roblox', { failureRedirect: '/login-failed', successRedirect: '/' }));
  app.get('/me', (req, res) => res.json({ authenticated: req.isAuthenticated(), user: req.user ?? null }));
  app.get('/api/tokens', refreshTokens({ client: strategy.client, ...store }), (req, res) => res.json(req.robloxTokens));
  app.post('/logout', revokeTokens({ client: strategy.client, ...store }), (_req, res) => res.json({ ok: true }));
  const onError: ErrorRequestHandler = (err: Error & { code?: string }, _req, res, _next) => {
    res.status(500).json({ code: err.code, message: err.message });
  };
  app.use(onError);
  return { app, strategy };
}

describe('cookie-session', () => {
  it('logs in with cookieSessionCompat and a MemoryTokenStore: tokens stay out of the cookie, which stays small', async () => {
    const tokenStore = new MemoryTokenStore();
    const { app } = cookieApp({ tokenStore });
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/');
    for (const c of setCookies(callback!)) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    expect((await agent.get('/me')).body).toMatchObject({ authenticated: true, user: { id: emu().users[0]!.sub } });

    const tokens = (await agent.get('/api/tokens')).body as TokenSet;
    expect(tokens.accessToken).toEqual(expect.any(String));
    expect(tokenStore.size).toBe(1);
    const cookie = sessionCookieJSON(callback!);
    expect(cookie).toContain('passport');
    expect(cookie).not.toContain(tokens.accessToken);
    expect(cookie).not.toContain(tokens.refreshToken!);

    travel(AFTER_EXPIRY);
    const refreshed = (await agent.get('/api/tokens')).body as TokenSet;
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);

    const out = await agent.post('/logout');
    expect(out.status).toBe(200);
    expect(emu().counters.revoke).toBe(1);
    expect(tokenStore.size).toBe(0);
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
  });

  it('refuses to put tokens in the cookie by default, naming the fix, and leaves nobody signed in', async () => {
    const { app } = cookieApp();
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    expect(callback?.body).toEqual({ code: 'ERR_ROBLOX_CONFIGURATION', message: expect.stringMatching(/cookie-session cookie.*MemoryTokenStore/) });
    for (const c of setCookies(callback!)) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
  });

  it('without cookieSessionCompat, fails the login with a message naming it (Passport 0.7 needs regenerate), and leaves nobody signed in', async () => {
    const { app } = cookieApp({ tokenStore: new MemoryTokenStore(), compat: false });
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    expect(callback?.body).toEqual({ code: 'ERR_ROBLOX_CONFIGURATION', message: expect.stringContaining('req.session.regenerate()') });
    expect(callback?.body.message).toContain('mount cookieSessionCompat() right after cookieSession()');
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
  });

  it('refuses a login whose cookie would pass 4,096 bytes instead of letting the browser drop it', async () => {
    const { app } = cookieApp({ tokenStore: new MemoryTokenStore(), bigUser: true });
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    expect(callback?.body.message).toMatch(/session cookie would be about \d+ bytes, over the 4096 bytes browsers keep/);
    for (const c of setCookies(callback!)) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
  });

  it('keeps pending logins from many tabs to the newest three, so the cookie stays small, and those three finish', async () => {
    const tokenStore = new MemoryTokenStore();
    const { app } = cookieApp({ tokenStore });
    const agent = request.agent(app);
    const started = [];
    let largest = 0;
    let last: { headers: Record<string, unknown> } | undefined;
    for (let tab = 0; tab < 10; tab++) {
      const { start, authorizeURL } = await beginLogin(agent);
      for (const c of setCookies(start)) largest = Math.max(largest, Buffer.byteLength(c));
      started.push(authorizeURL);
      last = start;
    }
    expect(largest).toBeLessThanOrEqual(1500);
    const session = JSON.parse(sessionCookieJSON(last!)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(session['roblox:oidc'] ?? {})).toHaveLength(3);
    // The oldest tab's login was evicted: its callback is refused as unknown.
    const oldest = await finishLogin(agent, await authorizeAt(started[0]!));
    expect(oldest.status).toBe(302);
    expect(oldest.headers.location).toBe('/login-failed');
    const newest = await finishLogin(agent, await authorizeAt(started[9]!));
    expect(newest.headers.location).toBe('/');
    for (const c of setCookies(newest)) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    // The other two pending logins survived the login and still finish.
    const other = await finishLogin(agent, await authorizeAt(started[8]!));
    expect(other.headers.location).toBe('/');
  });

  it('keeps the cookie under 4,096 bytes with Roblox-sized tokens (about 2 KB together), which stay server-side', async () => {
    const tokenStore = new MemoryTokenStore();
    // The profile comes from the ID token: the stand-in access token below is not one the emulator would accept.
    const { app } = cookieApp({ tokenStore, userInfo: false });
    const agent = request.agent(app);
    const accessToken = `eyJ${'A'.repeat(1200)}`;
    const refreshToken = `eyJ${'R'.repeat(650)}`;
    emu().nextTokenResponse({ access_token: accessToken, refresh_token: refreshToken });
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/');
    const stored = tokenStore.get({ user: { id: emu().users[0]!.sub } } as never)!;
    expect(stored.accessToken).toBe(accessToken);
    expect(Buffer.byteLength(stored.accessToken + stored.refreshToken + (stored.idToken ?? ''))).toBeGreaterThan(2000);
    const sizes = setCookies(callback!).map((c) => Buffer.byteLength(c));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(1024);
    expect(sessionCookieJSON(callback!)).not.toContain('AAAA');
  });

  it('refuses Roblox-sized tokens in the cookie by default, with no Set-Cookie over 4,096 bytes', async () => {
    const { app } = cookieApp({ userInfo: false });
    const agent = request.agent(app);
    emu().nextTokenResponse({ access_token: `eyJ${'A'.repeat(1200)}`, refresh_token: `eyJ${'R'.repeat(650)}` });
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    for (const c of setCookies(callback!)) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
  });
});
