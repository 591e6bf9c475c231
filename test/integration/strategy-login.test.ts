import request from 'supertest';
import { decodeJwt } from 'jose';
import type { RobloxProfile } from '../../src';
import { createTestApp } from '../helpers/app';
import { CALLBACK_URL, CLIENT_ID, PUBLIC_CLIENT_ID, modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { login, sessionIdOf } from '../helpers/login';

const { use: useModeEmulator, emu } = modeEmulators();

describe.each(REFRESH_MODES)('RobloxStrategy: happy path against the emulator, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('logs in a confidential client (client_secret_basic) and redirects to /', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const result = await login(agent, emu());

    expect(result.callback?.status).toBe(302);
    expect(result.location).toBe('/');
    const me = await agent.get('/me');
    expect(me.body.authenticated).toBe(true);
    expect(me.body.user).toEqual({ id: '1516563360', username: 'exampleuser', displayName: 'Example User' });
    expect(emu().counters).toMatchObject({ discovery: 1, authorize: 1, token: 1, userinfo: 1, jwks: 1 });
    expect(app.errors).toEqual([]);
  });

  it('sends a complete authorization request: PKCE S256 challenge (never the verifier), state, nonce, exact redirect_uri', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { prompt: 'consent' } });
    const agent = request.agent(app);
    const { authorizeURL } = await login(agent, emu(), { finish: false });
    const q = authorizeURL.searchParams;
    expect(`${authorizeURL.origin}${authorizeURL.pathname}`).toBe(emu().endpoints.authorization);
    expect(Object.fromEntries(q)).toMatchObject({
      client_id: CLIENT_ID, redirect_uri: CALLBACK_URL, scope: 'openid profile', response_type: 'code',
      code_challenge_method: 'S256', prompt: 'consent',
    });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(q.get(name)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.has('code_verifier')).toBe(false);
    const me = await agent.get('/me');
    const pending = me.body.session['roblox:oidc'] as Record<string, { codeVerifier: string; nonce: string }>;
    const tx = pending[q.get('state') as string];
    expect(tx?.nonce).toBe(q.get('nonce'));
    expect(authorizeURL.toString()).not.toContain(tx?.codeVerifier);
  });

  it('logs in with client_secret_post', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { authMethod: 'client_secret_post' } });
    const agent = request.agent(app);
    const { location } = await login(agent, emu());
    expect(location).toBe('/');
    expect((await agent.get('/me')).body.user.id).toBe('1516563360');
  });

  it('logs in a public client with PKCE alone (no secret)', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { clientID: PUBLIC_CLIENT_ID, clientSecret: undefined } });
    const agent = request.agent(app);
    const { location } = await login(agent, emu());
    expect(location).toBe('/');
    const me = await agent.get('/me');
    expect(me.body.user.id).toBe('1516563360');
    expect(decodeJwt(me.body.session.robloxTokens.idToken).aud).toBe(PUBLIC_CLIENT_ID);
  });

  it('persists the TokenSet in the session after login (surviving the session regeneration)', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const before = Date.now();
    await login(agent, emu());
    const tokens = (await agent.get('/me')).body.session.robloxTokens;
    expect(tokens).toMatchObject({ tokenType: 'Bearer', scope: ['openid', 'profile'] });
    expect(typeof tokens.accessToken).toBe('string');
    expect(typeof tokens.refreshToken).toBe('string');
    expect(decodeJwt(tokens.idToken).sub).toBe('1516563360');
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 898_000);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Date.now() + 899_000);
  });

  it('uses a custom TokenStore when given one', async () => {
    const saved: Array<{ user: unknown; accessToken: string }> = [];
    const app = createTestApp({
      emulator: emu(),
      strategyOptions: {
        tokenStore: {
          get: () => undefined,
          set: async (req, tokens) => { saved.push({ user: req.user, accessToken: tokens.accessToken }); },
          delete: () => undefined,
        },
      },
    });
    const agent = request.agent(app);
    await login(agent, emu());
    expect(saved).toEqual([{ user: expect.objectContaining({ id: '1516563360' }), accessToken: expect.any(String) }]);
    expect((await agent.get('/me')).body.session.robloxTokens).toBeUndefined();
  });

  it('changes the session id at login (session fixation) and leaves no pending transaction behind', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const { start, callbackURL } = await login(agent, emu(), { finish: false });
    const cookie = String(start.headers['set-cookie']);
    expect(cookie).toMatch(/connect\.sid=/);
    expect(cookie).toMatch(/HttpOnly/i);
    const preLogin = await sessionIdOf(agent);
    await agent.get(`${callbackURL.pathname}${callbackURL.search}`).expect(302);
    const me = (await agent.get('/me')).body;
    expect(me.authenticated).toBe(true);
    expect(me.sessionID).not.toBe(preLogin);
    expect(me.session['roblox:oidc']).toBeUndefined();
    const stored = await new Promise((resolve, reject) => app.sessionStore.get(preLogin as string, (err, s) => (err ? reject(err) : resolve(s))));
    expect(stored).toBeFalsy();
  });

  it('reads the profile from the ID token when userinfo is skipped', async () => {
    const seen: unknown[] = [];
    const app = createTestApp({
      emulator: emu(),
      strategyOptions: { skipUserInfo: true },
      verify: async (_a: string, _r: string | undefined, profile: RobloxProfile) => (seen.push(profile), { id: profile.id }),
    });
    await login(request.agent(app), emu());
    expect(emu().counters.userinfo).toBe(0);
    expect(seen[0]).toMatchObject({ provider: 'roblox', id: '1516563360', username: 'exampleuser', displayName: 'Example User', claims: { sub: '1516563360' } });
  });

  it('honours per-request scope and prompt options', async () => {
    const app = createTestApp({ emulator: emu(), loginOptions: { scope: 'openid', prompt: 'login' } as Record<string, unknown> });
    const agent = request.agent(app);
    const { authorizeURL, location } = await login(agent, emu());
    expect(authorizeURL.searchParams.get('scope')).toBe('openid');
    expect(authorizeURL.searchParams.get('prompt')).toBe('login');
    expect(location).toBe('/');
    expect((await agent.get('/me')).body.session.robloxTokens.scope).toEqual(['openid']);
  });

  it('implements passport-oauth2\'s userProfile(accessToken, done) with the userinfo endpoint', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    await login(agent, emu());
    const { accessToken } = (await agent.get('/me')).body.session.robloxTokens;
    const profile = await new Promise<RobloxProfile | undefined>((resolve, reject) =>
      app.strategy.userProfile(accessToken, (err, p) => (err ? reject(err) : resolve(p))));
    expect(profile).toMatchObject({ provider: 'roblox', id: '1516563360', username: 'exampleuser' });
    const failure = await new Promise((resolve) => app.strategy.userProfile('not-a-token', (err) => resolve(err)));
    expect(failure).toMatchObject({ code: 'ERR_ROBLOX_OAUTH' });
  });

  it('hands an invalid per-request prompt to the app as a configuration error', async () => {
    const app = createTestApp({ emulator: emu(), loginOptions: { prompt: 'always' } as Record<string, unknown> });
    const res = await request(app).get('/auth/roblox');
    expect(res.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_CONFIGURATION', message: expect.stringContaining('prompt authenticate option') })]);
  });

  it.each([[{ skipUserInfo: true }], [{}]])('refuses a per-request scope without openid (strategy options %p), before sending the user to Roblox', async (strategyOptions) => {
    // Roblox's userinfo refuses a token without openid: such a login could only end in a provider error.
    const app = createTestApp({ emulator: emu(), strategyOptions, loginOptions: { scope: 'profile' } as Record<string, unknown> });
    const res = await request(app).get('/auth/roblox');
    expect(res.status).toBe(500);
    expect(res.headers.location).toBeUndefined();
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_CONFIGURATION', message: expect.stringContaining('scope authenticate option must include openid') })]);
  });
});
