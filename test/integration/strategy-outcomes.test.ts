import type { Express, NextFunction, Request, Response } from 'express';
import request from 'supertest';
import type { Passport } from 'passport';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';

// What an app's own passport.authenticate callback receives (custom callbacks, NestJS guards' handleRequest):
// the failure codes docs/errors.md lists, the status, and info.returnTo. Routes below replay the provider's
// redirect to /inspect, which hands passport's (err, user, info, status) back as JSON.
const emu = useEmulator();

interface Seen {
  error: { name: string; code?: string; message: string; status?: number } | null;
  user: unknown;
  info: Record<string, unknown> | null;
  status: number | null;
}

/** Mounts GET /inspect (passport.authenticate) and GET /inspect-link (passport.authorize) with custom callbacks. */
function inspectRoutes(app: Express, { passport }: { passport: InstanceType<typeof Passport> }): void {
  const reply = (res: Response) => (err: unknown, user: unknown, info: unknown, status: unknown) => {
    const e = err as { name: string; code?: string; message: string; status?: number } | null;
    const seen: Seen = {
      error: e ? { name: e.name, code: e.code, message: e.message, status: e.status } : null,
      user: user ?? null,
      info: (info as Record<string, unknown> | undefined) ?? null,
      status: typeof status === 'number' ? status : null,
    };
    res.json(seen);
  };
  app.get('/inspect', (req: Request, res: Response, next: NextFunction) => passport.authenticate('roblox', reply(res))(req, res, next));
  app.get('/inspect-link', (req: Request, res: Response, next: NextFunction) => passport.authorize('roblox', {}, reply(res))(req, res, next));
}

/** Runs a login through the emulator, then replays the redirect to `route` instead of the app's callback. */
async function inspect(agent: Agent, route = '/inspect', path?: string): Promise<Seen> {
  const { callbackURL } = await login(agent, emu(), { finish: false, ...(path ? { path } : {}) });
  return (await agent.get(`${route}${callbackURL.search}`).expect(200)).body as Seen;
}

describe('what a custom passport.authenticate callback receives', () => {
  it('a verify callback that refuses without saying why: ERR_ROBLOX_VERIFY, status 401', async () => {
    const app = createTestApp({ emulator: emu(), verify: async () => false, routes: inspectRoutes });
    const seen = await inspect(request.agent(app));
    expect(seen).toEqual({ error: null, user: false, info: { message: 'Your account could not be signed in.', code: 'ERR_ROBLOX_VERIFY' }, status: 401 });
  });

  it('a token answer without an ID token: ERR_ROBLOX_ID_TOKEN', async () => {
    const app = createTestApp({ emulator: emu(), routes: inspectRoutes });
    emu().failNext('token', { status: 200, body: JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 899, scope: 'openid profile' }) });
    const seen = await inspect(request.agent(app));
    expect(seen).toEqual({ error: null, user: false, info: { message: 'Roblox did not return an ID token for this sign-in.', code: 'ERR_ROBLOX_ID_TOKEN' }, status: 401 });
  });

  it('userinfo about another user than the ID token: ERR_ROBLOX_USERINFO', async () => {
    const app = createTestApp({ emulator: emu(), routes: inspectRoutes });
    emu().nextUserinfo({ sub: '2067243959' });
    const seen = await inspect(request.agent(app));
    expect(seen).toEqual({
      error: null, user: false, info: { message: 'Roblox returned user info for a different user than the ID token.', code: 'ERR_ROBLOX_USERINFO' }, status: 401,
    });
  });

  it('userinfo refusing the access token just issued: a provider fault (RobloxResponseError, 502), not a failed sign-in', async () => {
    const app = createTestApp({ emulator: emu(), routes: inspectRoutes });
    emu().failNext('userinfo', { status: 401, body: JSON.stringify({ error: 'invalid_token' }) });
    const seen = await inspect(request.agent(app));
    expect(seen.error).toEqual({ name: 'RobloxResponseError', code: 'ERR_ROBLOX_RESPONSE', message: 'The userinfo endpoint refused the access token just issued', status: 502 });
    expect(seen.user).toBeNull();
  });

  it('linking (passport.authorize) with nobody signed in: ERR_ROBLOX_LINK, before the code is redeemed', async () => {
    const app = createTestApp({ emulator: emu(), routes: inspectRoutes });
    emu().resetCounters();
    const seen = await inspect(request.agent(app), '/inspect-link');
    expect(seen).toEqual({ error: null, user: false, info: { message: 'Sign in before linking your Roblox account.', code: 'ERR_ROBLOX_LINK' }, status: 401 });
    expect(emu().counters.token).toBe(0);
  });

  it('a login with a return path hands it over in info.returnTo; one without has no returnTo key', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { returnToQuery: true }, routes: inspectRoutes });
    const withPath = await inspect(request.agent(app), '/inspect', '/auth/roblox?returnTo=/settings');
    expect(withPath.error).toBeNull();
    expect(withPath.user).toMatchObject({ id: expect.any(String) });
    expect(withPath.info).toEqual({ returnTo: '/settings' });

    const without = await inspect(request.agent(app));
    expect(without.user).toMatchObject({ id: expect.any(String) });
    expect(without.info).toBeNull();
  });
});
