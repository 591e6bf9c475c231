import express, { type ErrorRequestHandler } from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import request from 'supertest';
import { MemoryTokenStore, refreshTokens, RobloxStrategy, unlinkRoblox, type TokenSet, type TokenStore } from '../../src';
import { CLIENT_ID, CLIENT_SECRET, useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';

const emu = useEmulator();
const LINK_CALLBACK = 'http://127.0.0.1:3000/link/roblox/callback';

interface SiteUser { id: string; name: string }

/** An existing site with its own sign-in (POST /site-login) that lets signed-in users link their Roblox account. */
function siteApp(tokenStore?: TokenStore | false) {
  const passport = new Passport();
  const strategy = new RobloxStrategy(
    {
      clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: LINK_CALLBACK, issuer: emu().issuer, timeout: 2000,
      ...(tokenStore !== undefined ? { tokenStore } : {}),
    },
    async (_at, _rt, profile) => ({ robloxId: profile.id, username: profile.username }),
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  const store = tokenStore ? { store: tokenStore } : {};
  const revoked: Error[] = [];

  const app = express();
  app.use(session({ secret: 'test-session-secret', resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/site-login', (req, res, next) => req.logIn({ id: 'site-42', name: 'Ada' } as SiteUser, (err) => (err ? next(err) : res.json({ ok: true }))));
  app.get('/link/roblox', passport.authorize('roblox'));
  app.get('/link/roblox/callback', passport.authorize('roblox', { failureRedirect: '/link-failed', failureMessage: true }), (req, res) => {
    res.json({ user: req.user, account: (req as unknown as { account?: unknown }).account });
  });
  app.get('/link-failed', (req, res) => res.json({ messages: (req.session as unknown as { messages?: string[] }).messages ?? [] }));
  app.get('/me', (req, res) => res.json({ authenticated: req.isAuthenticated(), user: req.user ?? null }));
  app.get('/api/tokens', refreshTokens({ client: strategy.client, ...store }), (req, res) => res.json(req.robloxTokens));
  app.post('/unlink', unlinkRoblox({ client: strategy.client, ...store, onError: (err) => void revoked.push(err) }), (req, res) => {
    res.json({ user: req.user ?? null, revokeError: req.robloxRevokeError?.name ?? null });
  });
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => void res.status(500).json({ message: err.message });
  app.use(onError);
  return { app, strategy, revoked };
}

describe('account linking with passport.authorize', () => {
  it('stores the TokenSet for the signed-in site user, sets req.account, and keeps req.user', async () => {
    const { app } = siteApp();
    const agent = request.agent(app);
    await agent.post('/site-login').expect(200);
    const { callback } = await login(agent, emu(), { path: '/link/roblox' });
    expect(callback?.status).toBe(200);
    expect(callback?.body).toEqual({
      user: { id: 'site-42', name: 'Ada' },
      account: { robloxId: emu().users[0]!.sub, username: emu().users[0]!.username },
    });
    expect((await agent.get('/me')).body.user).toEqual({ id: 'site-42', name: 'Ada' });
    const tokens = await agent.get('/api/tokens');
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ tokenType: 'Bearer', accessToken: expect.any(String) });
  });

  it('keys the tokens by the site user with a MemoryTokenStore', async () => {
    const tokenStore = new MemoryTokenStore();
    const { app } = siteApp(tokenStore);
    const agent = request.agent(app);
    await agent.post('/site-login').expect(200);
    await login(agent, emu(), { path: '/link/roblox' });
    expect(tokenStore.size).toBe(1);
    expect(tokenStore.get({ user: { id: 'site-42' } } as unknown as express.Request)).toMatchObject({ tokenType: 'Bearer' });
  });

  it('with tokenStore: false links the account and stores nothing (the app keeps the tokens from the verify callback)', async () => {
    const { app } = siteApp(false);
    const agent = request.agent(app);
    await agent.post('/site-login').expect(200);
    const { callback } = await login(agent, emu(), { path: '/link/roblox' });
    expect(callback?.status).toBe(200);
    expect(callback?.body.account).toEqual({ robloxId: emu().users[0]!.sub, username: emu().users[0]!.username });
    expect((await agent.get('/me')).body.user).toEqual({ id: 'site-42', name: 'Ada' });
    expect((await agent.get('/api/tokens')).status).toBe(401);
  });

  it('refuses to link when nobody is signed in to the site, before the code is redeemed', async () => {
    const { app } = siteApp();
    const agent = request.agent(app);
    const { callback } = await login(agent, emu(), { path: '/link/roblox' });
    expect(callback?.status).toBe(302);
    expect(callback?.headers.location).toBe('/link-failed');
    expect((await agent.get('/link-failed')).body.messages).toEqual(['Sign in before linking your Roblox account.']);
    expect(emu().counters.token).toBe(0);
    expect((await agent.get('/api/tokens')).status).toBe(401);
  });

  it('unlinks: revokes the grant at Roblox and forgets the tokens, the site user stays signed in', async () => {
    const { app, strategy, revoked } = siteApp();
    const agent = request.agent(app);
    await agent.post('/site-login').expect(200);
    await login(agent, emu(), { path: '/link/roblox' });
    const tokens = (await agent.get('/api/tokens')).body as TokenSet;
    const res = await agent.post('/unlink');
    expect(res.body).toEqual({ user: { id: 'site-42', name: 'Ada' }, revokeError: null });
    expect(revoked).toEqual([]);
    expect(emu().counters.revoke).toBe(1);
    expect((await strategy.client.introspect(tokens.refreshToken!)).active).toBe(false);
    expect((await agent.get('/me')).body).toEqual({ authenticated: true, user: { id: 'site-42', name: 'Ada' } });
    expect((await agent.get('/api/tokens')).status).toBe(401);
  });
});
