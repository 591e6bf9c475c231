import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import request from 'supertest';
import { RobloxIdTokenError, RobloxOAuthError, RobloxTimeoutError } from '../../src/errors';
import type { RobloxClient } from '../../src/provider/client';
import { authorizedResources } from '../../src/middleware/authorized-resources';
import { refreshTokens } from '../../src/middleware/refresh-tokens';
import { revokeTokens } from '../../src/middleware/revoke-tokens';
import type { TokenSet, TokenStore } from '../../src/tokens/token-set';

type FakeSession = Record<string, unknown> & { save: jest.Mock; destroy: jest.Mock };

function fakeSession(tokens?: unknown): FakeSession {
  const s: FakeSession = {
    save: jest.fn((cb: (e?: unknown) => void) => cb()),
    destroy: jest.fn((cb: (e?: unknown) => void) => cb()),
  };
  if (tokens !== undefined) s.robloxTokens = tokens;
  return s;
}

function fakeClient(overrides: Partial<Record<'refresh' | 'revoke' | 'resources', jest.Mock>> = {}) {
  const client = {
    refresh: overrides.refresh ?? jest.fn(),
    revoke: overrides.revoke ?? jest.fn(async () => undefined),
    resources: overrides.resources ?? jest.fn(async () => ({ universes: [], creators: [], owners: [] })),
  };
  return client as typeof client & RobloxClient;
}

const tokens = (over: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: 'at0', refreshToken: 'rt0', idToken: 'id0', tokenType: 'Bearer', scope: ['openid', 'profile'],
  expiresAt: Date.now() + 600_000, ...over,
});

function appWith(mw: RequestHandler, session: FakeSession | null, extra?: (req: Request) => void) {
  const app = express();
  app.use((req, _res, next) => {
    if (session) (req as unknown as { session: FakeSession }).session = session;
    extra?.(req);
    next();
  });
  app.all('/x', mw, (req, res) => res.json({ tokens: req.robloxTokens ?? null, resources: req.robloxResources ?? null, revokeError: req.robloxRevokeError?.message ?? null }));
  app.use((err: Error & { code?: string }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ code: err.code ?? 'none', message: err.message });
  });
  return app;
}

describe('refreshTokens (fake client)', () => {
  it('passes a configuration error when there is no session middleware', async () => {
    const res = await request(appWith(refreshTokens({ client: fakeClient() }), null)).get('/x');
    expect(res.status).toBe(500);
    expect(res.body.code).toBe('ERR_ROBLOX_CONFIGURATION');
    expect(res.body.message).toMatch(/session middleware/);
  });

  it.each([['a string', 'garbage'], ['an array', [1]], ['a wrong shape', { accessToken: 5 }], ['an empty token', { ...tokens(), accessToken: '' }], ['null', null],
    ['a numeric refresh token', { ...tokens(), refreshToken: 5 }], ['an object ID token', { ...tokens(), idToken: {} }],
    ['a NaN expiry', { ...tokens(), expiresAt: Number.NaN }]])(
    'treats a corrupt TokenSet (%s) as no tokens: 401 and the value is cleared',
    async (_what, value) => {
      const session = fakeSession(value);
      const res = await request(appWith(refreshTokens({ client: fakeClient() }), session)).get('/x');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED', message: expect.stringMatching(/Sign in with Roblox again/) });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(session.robloxTokens).toBeUndefined();
    },
  );

  it('answers in text to clients that want text, and redirects when asked to', async () => {
    const client = fakeClient();
    const text = await request(appWith(refreshTokens({ client }), fakeSession())).get('/x').set('Accept', 'text/plain');
    expect(text.status).toBe(401);
    expect(text.type).toBe('text/plain');
    expect(text.text).toMatch(/^Sign in with Roblox again.*ERR_ROBLOX_SIGN_IN_REQUIRED/);
    const app = appWith(refreshTokens({ client, redirectTo: '/login' }), fakeSession());
    const get = await request(app).get('/x');
    expect([get.status, get.headers.location]).toEqual([302, '/login']);
    const post = await request(app).post('/x');
    expect([post.status, post.headers.location]).toEqual([303, '/login']);
  });

  it('lets onSignInRequired decide, and turns its throw into next(err)', async () => {
    const client = fakeClient();
    const through = await request(appWith(refreshTokens({ client, onSignInRequired: (_e, _q, _s, next) => next() }), fakeSession())).get('/x');
    expect(through.status).toBe(200);
    expect(through.body.tokens).toBeNull();
    const thrown = await request(appWith(refreshTokens({ client, onSignInRequired: () => { throw new Error('boom'); } }), fakeSession())).get('/x');
    expect(thrown.status).toBe(500);
    expect(thrown.body.message).toBe('boom');
  });

  it('uses fresh tokens as they are', async () => {
    const client = fakeClient();
    const session = fakeSession(tokens());
    const res = await request(appWith(refreshTokens({ client }), session)).get('/x');
    expect(res.status).toBe(200);
    expect(res.body.tokens.accessToken).toBe('at0');
    expect(client.refresh).not.toHaveBeenCalled();
    expect(session.save).not.toHaveBeenCalled();
  });

  it('passes a session-held fresh token on synchronously: next() has run when the middleware returns', () => {
    // The fast path of every request of a signed-in user: no promise, no store read, no hashing.
    const client = fakeClient();
    const held = tokens();
    const req = { session: fakeSession(held) } as unknown as Request;
    const next = jest.fn();
    (refreshTokens({ client }) as (req: Request, res: Response, next: NextFunction) => void)(req, {} as Response, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(next).toHaveBeenCalledWith();
    expect(req.robloxTokens).toBe(held);
  });

  it('refreshes within the skew, keeps the old ID token if none comes back, and saves the session before going on', async () => {
    const refresh = jest.fn(async () => ({ accessToken: 'at1', refreshToken: 'rt1', tokenType: 'Bearer', scope: ['openid'], expiresAt: Date.now() + 900_000 }));
    const client = fakeClient({ refresh });
    const session = fakeSession(tokens({ expiresAt: Date.now() + 30_000 }));
    const res = await request(appWith(refreshTokens({ client, subject: () => '42' }), session)).get('/x');
    expect(res.status).toBe(200);
    expect(refresh).toHaveBeenCalledWith('rt0', { previousIdToken: 'id0', subject: '42', scope: ['openid', 'profile'] });
    expect(res.body.tokens).toMatchObject({ accessToken: 'at1', refreshToken: 'rt1', idToken: 'id0' });
    expect(session.robloxTokens).toMatchObject({ refreshToken: 'rt1' });
    expect(session.save).toHaveBeenCalledTimes(1);
  });

  it('does not refresh with skewSeconds 0 until the token has expired', async () => {
    const client = fakeClient();
    const res = await request(appWith(refreshTokens({ client, skewSeconds: 0 }), fakeSession(tokens({ expiresAt: Date.now() + 5_000 })))).get('/x');
    expect(res.status).toBe(200);
    expect(client.refresh).not.toHaveBeenCalled();
  });

  it.each([
    ['invalid_grant', new RobloxOAuthError('invalid_grant', 'revoked', 400)],
    ['a rejected refreshed ID token', new RobloxIdTokenError('ID token rejected: "sub" claim does not match the signed-in user')],
  ])('clears the tokens and asks to sign in again on %s', async (_what, error) => {
    const client = fakeClient({ refresh: jest.fn(async () => Promise.reject(error)) });
    const session = fakeSession(tokens({ expiresAt: 0 }));
    const res = await request(appWith(refreshTokens({ client }), session)).get('/x');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('ERR_ROBLOX_SIGN_IN_REQUIRED');
    expect(session.robloxTokens).toBeUndefined();
    expect(session.save).toHaveBeenCalled();
  });

  it('passes other OAuth errors (e.g. invalid_client) and outages on, keeping the tokens', async () => {
    for (const error of [new RobloxTimeoutError('POST http://x/v1/token did not answer within 300 ms'), new RobloxOAuthError('invalid_client', undefined, 401)]) {
      const client = fakeClient({ refresh: jest.fn(async () => Promise.reject(error)) });
      const session = fakeSession(tokens({ expiresAt: 0 }));
      const res = await request(appWith(refreshTokens({ client }), session)).get('/x');
      expect(res.status).toBe(500);
      expect(res.body.code).toBe(error.code);
      expect(session.robloxTokens).toMatchObject({ refreshToken: 'rt0' });
    }
  });

  it('without a refresh token: uses a token inside the skew, asks to sign in once it has expired', async () => {
    const client = fakeClient();
    const soon = await request(appWith(refreshTokens({ client }), fakeSession(tokens({ refreshToken: undefined, expiresAt: Date.now() + 10_000 })))).get('/x');
    expect(soon.status).toBe(200);
    const late = await request(appWith(refreshTokens({ client }), fakeSession(tokens({ refreshToken: undefined, expiresAt: Date.now() - 1 })))).get('/x');
    expect(late.status).toBe(401);
    expect(client.refresh).not.toHaveBeenCalled();
  });

  it('works with a custom store: store failures go to next(err), corrupt values are deleted', async () => {
    const failing: TokenStore = { get: () => { throw new Error('db down'); }, set: jest.fn(), delete: jest.fn() };
    const down = await request(appWith(refreshTokens({ client: fakeClient(), store: failing }), null)).get('/x');
    expect([down.status, down.body.message]).toEqual([500, 'db down']);
    const del = jest.fn();
    const corrupt: TokenStore = { get: async () => ({ nope: true }) as unknown as TokenSet, set: jest.fn(), delete: del };
    const res = await request(appWith(refreshTokens({ client: fakeClient(), store: corrupt }), null)).get('/x');
    expect(res.status).toBe(401);
    expect(del).toHaveBeenCalledTimes(1);
  });
});

describe('revokeTokens (fake client)', () => {
  it('revokes the refresh token, forgets the tokens, logs out and destroys the session', async () => {
    const client = fakeClient();
    const session = fakeSession(tokens());
    const logout = jest.fn(function (this: Request, cb: (e?: unknown) => void) { cb(); });
    const res = await request(appWith(revokeTokens({ client }), session, (req) => Object.assign(req, { logout }))).post('/x');
    expect(res.status).toBe(200);
    expect(client.revoke).toHaveBeenCalledWith('rt0');
    expect(session.robloxTokens).toBeUndefined();
    expect(logout).toHaveBeenCalledTimes(1);
    expect(session.destroy).toHaveBeenCalledTimes(1);
  });

  it('revokes the access token when there is no refresh token, and nothing when there are no tokens', async () => {
    const client = fakeClient();
    await request(appWith(revokeTokens({ client }), fakeSession(tokens({ refreshToken: undefined })))).post('/x');
    expect(client.revoke).toHaveBeenCalledWith('at0');
    const none = await request(appWith(revokeTokens({ client, destroySession: false }), fakeSession())).post('/x');
    expect(none.status).toBe(200);
    expect(client.revoke).toHaveBeenCalledTimes(1);
  });

  it('still logs out locally when Roblox fails, and reports it (a throwing onError is ignored)', async () => {
    const client = fakeClient({ revoke: jest.fn(async () => Promise.reject(new RobloxTimeoutError('timeout'))) });
    const onError = jest.fn(() => { throw new Error('reporter broke'); });
    const session = fakeSession(tokens());
    const res = await request(appWith(revokeTokens({ client, onError }), session)).post('/x');
    expect(res.status).toBe(200);
    expect(res.body.revokeError).toBe('timeout');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_ROBLOX_TIMEOUT' }), expect.anything());
    expect(session.robloxTokens).toBeUndefined();
    expect(session.destroy).toHaveBeenCalled();
  });

  it('passes a failing logout or session store to next(err)', async () => {
    const session = fakeSession();
    session.destroy = jest.fn((cb: (e?: unknown) => void) => cb(new Error('store down')));
    const res = await request(appWith(revokeTokens({ client: fakeClient() }), session)).post('/x');
    expect([res.status, res.body.message]).toEqual([500, 'store down']);
  });
});

describe('authorizedResources (fake client)', () => {
  it('asks to sign in without calling Roblox when the token has expired', async () => {
    const client = fakeClient();
    const res = await request(appWith(authorizedResources({ client }), fakeSession(tokens({ expiresAt: Date.now() - 1 })))).get('/x');
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/refreshTokens\(\)/);
    expect(client.resources).not.toHaveBeenCalled();
  });

  it('clears the tokens when Roblox rejects the access token, and passes outages on', async () => {
    const rejected = fakeClient({ resources: jest.fn(async () => Promise.reject(new RobloxOAuthError('invalid_token', undefined, 401))) });
    const session = fakeSession(tokens({ accessToken: 'at-rejected' }));
    const res = await request(appWith(authorizedResources({ client: rejected }), session)).get('/x');
    expect(res.status).toBe(401);
    expect(session.robloxTokens).toBeUndefined();
    const down = fakeClient({ resources: jest.fn(async () => Promise.reject(new RobloxTimeoutError('timeout'))) });
    const kept = fakeSession(tokens({ accessToken: 'at-down' }));
    const out = await request(appWith(authorizedResources({ client: down }), kept)).get('/x');
    expect([out.status, out.body.code]).toEqual([500, 'ERR_ROBLOX_TIMEOUT']);
    expect(kept.robloxTokens).toBeDefined();
  });

  it('shares one call between concurrent requests with the same token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const resources = jest.fn(async () => { await gate; return { universes: [{ id: '1', owner: { type: 'User' as const, id: '7' } }], creators: [], owners: [] }; });
    const client = fakeClient({ resources });
    const app = appWith(authorizedResources({ client }), fakeSession(tokens({ accessToken: 'at-shared' })));
    const pending = Array.from({ length: 10 }, () => request(app).get('/x').then((r) => r));
    setTimeout(release, 50);
    const all = await Promise.all(pending);
    expect(all.every((r) => r.status === 200 && r.body.resources.universes[0].id === '1')).toBe(true);
    expect(resources).toHaveBeenCalledTimes(1);
  });
});
