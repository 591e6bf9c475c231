import type { Request } from 'express';
import request from 'supertest';
import { decodeJwt } from 'jose';
import type { RobloxProfile, RobloxTokenParams, VerifyCallback } from '../../src';
import { createTestApp } from '../helpers/app';
import { modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { login } from '../helpers/login';

const { use: useModeEmulator, emu } = modeEmulators();
type Rt = string | undefined;

/** Logs in with this verify and returns what the app ended with. */
async function loginWith(verify: Function, passReqToCallback = false) {
  const app = createTestApp({ emulator: emu(), verify: verify as never, strategyOptions: { passReqToCallback } });
  const agent = request.agent(app);
  const result = await login(agent, emu());
  const me = (await agent.get('/me')).body;
  const failed = result.location === '/login-failed' ? (await agent.get('/login-failed')).body.messages : undefined;
  return { app, result, me, failed };
}

function expectParams(params: RobloxTokenParams): void {
  expect(params).toMatchObject({ token_type: 'Bearer', expires_in: 899, scope: 'openid profile' });
  expect(decodeJwt(params.id_token as string).sub).toBe('1516563360');
}

describe.each(REFRESH_MODES)('RobloxStrategy verify forms, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('(accessToken, refreshToken, profile, done)', async () => {
    const calls: unknown[][] = [];
    const { me, result } = await loginWith((accessToken: string, refreshToken: Rt, profile: RobloxProfile, done: VerifyCallback) => {
      calls.push([accessToken, refreshToken, profile]);
      done(null, { id: profile.id, form: 4 });
    });
    expect(result.location).toBe('/');
    expect(me.user).toEqual({ id: '1516563360', form: 4 });
    const [accessToken, refreshToken, profile] = calls[0] as [string, string, RobloxProfile];
    expect(accessToken).toBe(me.session.robloxTokens.accessToken);
    expect(refreshToken).toBe(me.session.robloxTokens.refreshToken);
    expect(profile).toMatchObject({
      provider: 'roblox', id: '1516563360', username: 'exampleuser', displayName: 'Example User',
      profileUrl: 'https://www.roblox.com/users/1516563360/profile',
      photos: [{ value: `${emu().url}/avatars/1516563360.svg` }], claims: { sub: '1516563360', iss: emu().issuer },
    });
    expect(profile.createdAt).toEqual(new Date(1584682495 * 1000));
  });

  it('(accessToken, refreshToken, params, profile, done) with id_token, expires_in and scope in params', async () => {
    let seen: RobloxTokenParams | undefined;
    const { me } = await loginWith((_a: string, _r: Rt, params: RobloxTokenParams, profile: RobloxProfile, done: VerifyCallback) => {
      seen = params;
      done(null, { id: profile.id, form: 5 });
    });
    expect(me.user).toEqual({ id: '1516563360', form: 5 });
    expectParams(seen as RobloxTokenParams);
  });

  it('(req, accessToken, refreshToken, profile, done) with passReqToCallback', async () => {
    const { me } = await loginWith((req: Request, _a: string, _r: Rt, profile: RobloxProfile, done: VerifyCallback) => {
      done(null, { id: profile.id, path: req.path, hasSession: typeof req.session === 'object' });
    }, true);
    expect(me.user).toEqual({ id: '1516563360', path: '/auth/roblox/callback', hasSession: true });
  });

  it('(req, accessToken, refreshToken, params, profile, done) with passReqToCallback', async () => {
    let seen: RobloxTokenParams | undefined;
    const { me } = await loginWith((req: Request, _a: string, _r: Rt, params: RobloxTokenParams, profile: RobloxProfile, done: VerifyCallback) => {
      seen = params;
      done(null, { id: profile.id, path: req.path });
    }, true);
    expect(me.user).toEqual({ id: '1516563360', path: '/auth/roblox/callback' });
    expectParams(seen as RobloxTokenParams);
  });

  it('async (accessToken, refreshToken, profile) returning the user', async () => {
    const { me } = await loginWith(async (_a: string, _r: Rt, profile: RobloxProfile) => ({ id: profile.id, form: 'async' }));
    expect(me.user).toEqual({ id: '1516563360', form: 'async' });
  });

  it('async (accessToken, refreshToken, params, profile) and async (req, …, params, profile)', async () => {
    const a = await loginWith(async (_a: string, _r: Rt, params: RobloxTokenParams, profile: RobloxProfile) => ({ id: profile.id, scope: params.scope }));
    expect(a.me.user).toEqual({ id: '1516563360', scope: 'openid profile' });
    const b = await loginWith(async (req: Request, _a: string, _r: Rt, params: RobloxTokenParams, profile: RobloxProfile) =>
      ({ id: profile.id, expiresIn: params.expires_in, path: req.path }), true);
    expect(b.me.user).toEqual({ id: '1516563360', expiresIn: 899, path: '/auth/roblox/callback' });
  });

  it('fails the login when an async verify returns false', async () => {
    const { me, result, failed } = await loginWith(async () => false);
    expect(result.location).toBe('/login-failed');
    expect(me.authenticated).toBe(false);
    expect(me.session.robloxTokens).toBeUndefined();
    expect(failed).toEqual(['Your account could not be signed in.']);
  });

  it('fails with the info of done(null, false, info)', async () => {
    const { result, failed } = await loginWith((_a: string, _r: Rt, _p: RobloxProfile, done: VerifyCallback) => done(null, false, { message: 'This account is banned.' }));
    expect(result.location).toBe('/login-failed');
    expect(failed).toEqual(['This account is banned.']);
  });

  it('hands a verify error to the app (next(err)), for both done(err) and a throwing async verify', async () => {
    const a = await loginWith((_a: string, _r: Rt, _p: RobloxProfile, done: VerifyCallback) => done(new Error('database down')));
    expect(a.result.callback?.status).toBe(500);
    expect(a.app.errors).toEqual([expect.objectContaining({ message: 'database down' })]);
    expect(a.me.authenticated).toBe(false);
    const b = await loginWith(async () => { throw new TypeError('bug in verify'); });
    expect(b.result.callback?.status).toBe(500);
    expect(b.app.errors).toEqual([expect.objectContaining({ name: 'TypeError', message: 'bug in verify' })]);
  });

  it('passes the verify info on to req.authInfo', async () => {
    let authInfo: unknown;
    const app = createTestApp({
      emulator: emu(),
      verify: ((_a: string, _r: Rt, p: RobloxProfile, done: VerifyCallback) => done(null, { id: p.id }, { firstLogin: true })) as never,
      authenticateOptions: { successReturnToOrRedirect: undefined },
      routes: (app) => app.get('/auth/roblox/callback', (req, res) => { authInfo = req.authInfo; res.send('done'); }),
    });
    const { callback } = await login(request.agent(app), emu());
    expect(callback?.text).toBe('done');
    expect(authInfo).toEqual({ firstLogin: true });
  });
});
