import request from 'supertest';
import { MemoryTokenStore, RobloxStrategy, type RobloxProfile, type TokenSet, type TokenStore } from '../../src';
import { authorizedResources, refreshTokens, revokeTokens, unlinkRoblox } from '../../src/fastify';
import { CLIENT_ID, CLIENT_SECRET } from '../helpers/emulator';
import { createFastifyApp, FASTIFY_FLAVOURS, type FastifyFlavour } from '../helpers/fastify-app';
import { useEmulator } from '../helpers/emulator';
import { authorizeAt, beginLogin, finishLogin, login, type Agent } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';

const emu = useEmulator();
const travel = useTimeTravel();

const setCookieSizes = (res: { headers: Record<string, unknown> }) =>
  ([] as string[]).concat((res.headers['set-cookie'] as string[] | undefined) ?? []).map((c) => Buffer.byteLength(c));

/* eslint-disable @typescript-eslint/no-explicit-any */
async function appFor(flavour: FastifyFlavour, extra: { store?: TokenStore | null; serializeUser?: (user: unknown) => Promise<unknown> } = {}) {
  // A cookie-held session (secure-session) needs a server-side store; @fastify/session keeps tokens in its session.
  const store = extra.store === null ? undefined : (extra.store ?? (flavour.session === 'secure-session' ? new MemoryTokenStore() : undefined));
  const ctx = await createFastifyApp({
    ...flavour,
    emulator: emu(),
    ...(store ? { tokenStore: store } : {}),
    ...(extra.serializeUser ? { serializeUser: extra.serializeUser } : {}),
    routes: (app, { strategy, passport }) => {
      const base = { client: strategy.client, ...(store ? { store } : {}) };
      /** Another strategy instance, whose callback is `path`, with the app's token store. */
      const strategyAt = (path: string, user: (profile: RobloxProfile) => object) => new RobloxStrategy({
        clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: `http://127.0.0.1:3000${path}`,
        issuer: emu().issuer, timeout: 2000, ...(store ? { tokenStore: store } : {}),
      }, async (_at, _rt, profile) => user(profile));
      // Account linking: its callback is the link route.
      passport.use('roblox-link', strategyAt('/link/roblox/callback', (profile) => ({ robloxId: profile.id })));
      // A custom authenticate callback that logs the user in itself, as @fastify/passport documents: logIn(user).
      passport.use('roblox-custom', strategyAt('/custom/roblox/callback', (profile) => ({ id: profile.id, displayName: profile.displayName })));
      app.get('/custom/roblox', { preValidation: passport.authenticate('roblox-custom') }, async () => 'unreachable');
      app.get('/custom/roblox/callback', {
        preValidation: passport.authenticate('roblox-custom', async (req: any, reply: any, err: unknown, user: unknown) => {
          if (err || !user) return reply.code(401).send({ failed: true });
          await req.logIn(user);
          return reply.redirect('/');
        }),
      }, async () => 'unreachable');
      app.post('/site-login', async (req: any) => {
        await req.logIn({ id: 'site-42', displayName: 'Ada' });
        return { ok: true };
      });
      app.get('/link/roblox', { preValidation: passport.authorize('roblox-link') }, async () => 'unreachable');
      app.get('/link/roblox/callback', { preValidation: passport.authorize('roblox-link', { failureRedirect: '/login-failed' }) },
        async (req: any) => ({ user: req.user, account: req.account }));
      app.post('/unlink', { preHandler: unlinkRoblox(base) }, async (req: any) => ({ user: req.user ?? null }));
      app.get('/api/tokens', { preHandler: refreshTokens(base) }, async (req: any) => req.robloxTokens as TokenSet);
      app.get('/api/page', { preHandler: refreshTokens({ ...base, redirectTo: '/auth/roblox' }) }, async () => 'page');
      app.get('/api/resources', { preHandler: [refreshTokens(base), authorizedResources(base)] }, async (req: any) => req.robloxResources);
      app.post('/logout', { preHandler: revokeTokens(base) }, async (req: any) => ({ revokeError: req.robloxRevokeError?.name ?? null }));
    },
  });
  return ctx;
}

describe.each(FASTIFY_FLAVOURS)('Fastify $major with @fastify/$session and @fastify/passport', (flavour) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  async function signedIn(extra: { store?: TokenStore | null } = {}) {
    const ctx = await appFor(flavour, extra);
    close = ctx.close;
    const agent: Agent = request.agent(ctx.url);
    const result = await login(agent, emu());
    return { ...ctx, agent, result };
  }

  it('logs in, stores the tokens and serves them through the refresh hook', async () => {
    const { agent, result, strategy } = await signedIn();
    expect(result.callback?.status).toBe(302);
    expect(result.location).toBe('/');
    for (const size of setCookieSizes(result.callback!)) expect(size).toBeLessThanOrEqual(4096);
    const me = await agent.get('/me');
    expect(me.body).toMatchObject({ authenticated: true, user: { id: emu().users[0]!.sub } });
    const tokens = await agent.get('/api/tokens');
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String), refreshToken: expect.any(String) });
    expect((await strategy.client.introspect(tokens.body.accessToken)).active).toBe(true);
  });

  it('refreshes an expired access token once and keeps the rotated set', async () => {
    const { agent } = await signedIn();
    const before = (await agent.get('/api/tokens')).body as TokenSet;
    travel(AFTER_EXPIRY);
    const after = (await agent.get('/api/tokens')).body as TokenSet;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now());
    const again = (await agent.get('/api/tokens')).body as TokenSet;
    expect(again.refreshToken).toBe(after.refreshToken);
    expect(emu().counters.token).toBe(2); // the code exchange and one refresh
  });

  it('answers like the Express middleware when no tokens are stored: 401 JSON, text, or the redirect', async () => {
    const ctx = await appFor(flavour);
    close = ctx.close;
    const json = await request(ctx.url).get('/api/tokens');
    expect(json.status).toBe(401);
    expect(json.headers['cache-control']).toBe('no-store');
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body).toEqual({ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED', message: expect.stringContaining('Sign in with Roblox again') });
    const text = await request(ctx.url).get('/api/tokens').set('accept', 'text/plain');
    expect(text.status).toBe(401);
    expect(text.headers['content-type']).toMatch(/^text\/plain/);
    expect(text.text).toMatch(/\(ERR_ROBLOX_SIGN_IN_REQUIRED\)\n$/);
    const page = await request(ctx.url).get('/api/page');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/auth/roblox');
  });

  it('loads the authorized resources through the resources hook', async () => {
    const { agent } = await signedIn();
    const res = await agent.get('/api/resources');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ universes: expect.any(Array), creators: expect.anything() });
    expect(emu().counters.resources).toBe(1);
  });

  it('sends provider outages to the error handler with their status, keeping the tokens', async () => {
    const { agent } = await signedIn();
    const before = (await agent.get('/api/tokens')).body as TokenSet;
    travel(AFTER_EXPIRY);
    emu().failNext('token', { status: 503 });
    const res = await agent.get('/api/tokens');
    expect(res.status).toBe(502);
    const after = (await agent.get('/api/tokens')).body as TokenSet;
    expect(after.accessToken).not.toBe(before.accessToken); // refreshed on the next try, with the kept refresh token
  });

  it('logs out with the revoke hook: the grant is revoked at Roblox and the session ends', async () => {
    const { agent, strategy } = await signedIn();
    const tokens = (await agent.get('/api/tokens')).body as TokenSet;
    const res = await agent.post('/logout');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ revokeError: null });
    expect(emu().counters.revoke).toBe(1);
    expect((await strategy.client.introspect(tokens.refreshToken!)).active).toBe(false);
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
    expect((await agent.get('/api/tokens')).status).toBe(401);
  });

  it('links a Roblox account to the signed-in site user with passport.authorize, and unlinks it', async () => {
    const ctx = await appFor(flavour);
    close = ctx.close;
    const agent: Agent = request.agent(ctx.url);
    await agent.post('/site-login').expect(200);
    const { callback } = await login(agent, emu(), { path: '/link/roblox' });
    expect(callback?.status).toBe(200);
    expect(callback?.body).toEqual({ user: { id: 'site-42', displayName: 'Ada' }, account: { robloxId: emu().users[0]!.sub } });
    const tokens = await agent.get('/api/tokens');
    expect(tokens.status).toBe(200);
    const unlinked = await agent.post('/unlink');
    expect(unlinked.body).toEqual({ user: { id: 'site-42', displayName: 'Ada' } });
    expect((await ctx.strategy.client.introspect(tokens.body.refreshToken)).active).toBe(false);
    expect((await agent.get('/me')).body).toEqual({ authenticated: true, user: { id: 'site-42', displayName: 'Ada' } });
    expect((await agent.get('/api/tokens')).status).toBe(401);
  });

  it('a custom authenticate callback that awaits request.logIn(user), with no options, gets the tokens stored', async () => {
    const ctx = await appFor(flavour);
    close = ctx.close;
    const agent: Agent = request.agent(ctx.url);
    const { callback } = await login(agent, emu(), { path: '/custom/roblox' });
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/');
    expect((await agent.get('/me')).body).toMatchObject({ authenticated: true, user: { id: emu().users[0]!.sub } });
    const tokens = await agent.get('/api/tokens');
    expect(tokens.status).toBe(200);
    expect((await ctx.strategy.client.introspect(tokens.body.accessToken)).active).toBe(true);
  });

  it('a user serializer that fails at login: the callback errors (500), nobody is signed in', async () => {
    const ctx = await appFor(flavour, { serializeUser: async () => { throw new Error('users table unavailable'); } });
    close = ctx.close;
    const agent: Agent = request.agent(ctx.url);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
    expect((await agent.get('/api/tokens')).status).toBe(401);
  });

  if (flavour.session === 'secure-session') {
    it('keeps pending logins from ten tabs to three in the secure-session cookie; the newest finish', async () => {
      const ctx = await appFor(flavour);
      close = ctx.close;
      const agent: Agent = request.agent(ctx.url);
      const started: URL[] = [];
      let largest = 0;
      for (let tab = 0; tab < 10; tab++) {
        const { start, authorizeURL } = await beginLogin(agent);
        for (const size of setCookieSizes(start)) largest = Math.max(largest, size);
        started.push(authorizeURL);
      }
      expect(largest).toBeLessThanOrEqual(1600);
      expect((await finishLogin(agent, await authorizeAt(started[0]!))).headers.location).toBe('/login-failed');
      const newest = await finishLogin(agent, await authorizeAt(started[9]!));
      expect(newest.headers.location).toBe('/');
      for (const size of setCookieSizes(newest)) expect(size).toBeLessThanOrEqual(4096);
      expect((await finishLogin(agent, await authorizeAt(started[8]!))).headers.location).toBe('/');
    });

    it('refuses to put tokens in the secure-session cookie, naming the fix, and sets no oversized cookie', async () => {
      const { result, agent } = await signedIn({ store: null });
      expect(result.callback?.status).toBe(500);
      expect(JSON.stringify(result.callback?.body)).toMatch(/server-side store.*MemoryTokenStore/);
      for (const size of setCookieSizes(result.callback!)) expect(size).toBeLessThanOrEqual(4096);
      // Failed closed: not left signed in without tokens.
      expect((await agent.get('/me')).body).toEqual({ authenticated: false, user: null });
    });
  }
});
