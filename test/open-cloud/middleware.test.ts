import request from 'supertest';
import type { Express, Request } from 'express';
import { refreshTokens, type TokenSet } from '../../src';
import { openCloud, type OpenCloudOptions } from '../../src/open-cloud';
import { createTestApp, type TestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';
import { ME, MY_UNIVERSE } from './helpers';

const SCOPE = ['openid', 'profile', 'universe-messaging-service:publish'];
const emu = useEmulator();

type Session = { robloxTokens?: TokenSet };
const sessionOf = (req: Request) => (req as unknown as { session: Session }).session;

function appWith(options: Partial<OpenCloudOptions> = {}): TestApp {
  return createTestApp({
    emulator: emu(),
    loginOptions: { scope: SCOPE },
    routes: (app: Express, { strategy }) => {
      const cloud = openCloud({ client: strategy.client, ...options });
      app.get('/cloud/me', cloud, async (req, res, next) => {
        try {
          res.json(await req.robloxCloud!.users.get(ME));
        } catch (err) {
          next(err);
        }
      });
      app.post('/cloud/message', cloud, async (req, res, next) => {
        try {
          await req.robloxCloud!.universes.publishMessage(MY_UNIVERSE, { topic: 'news', message: 'from the app' });
          res.json({ sent: true, rateLimit: req.robloxCloud!.rateLimit ?? null });
        } catch (err) {
          next(err);
        }
      });
      app.get('/cloud/after-refresh', refreshTokens({ client: strategy.client }), cloud, async (req, res) => {
        res.json({ same: req.robloxCloud!.tokens === req.robloxTokens });
      });
      app.get('/test/tokens', (req, res) => res.json(sessionOf(req).robloxTokens ?? null));
    },
  });
}

async function signedIn(app: TestApp): Promise<{ agent: Agent; tokens: TokenSet }> {
  const agent = request.agent(app);
  const { location } = await login(agent, emu());
  expect(location).toBe('/');
  const tokens = (await agent.get('/test/tokens')).body as TokenSet;
  expect(tokens.scope).toEqual(SCOPE);
  return { agent, tokens };
}

describe('openCloud() middleware', () => {
  it('sets req.robloxCloud for the session\'s user; publishing reaches the emulator', async () => {
    const { agent } = await signedIn(appWith());
    expect((await agent.get('/cloud/me').expect(200)).body).toMatchObject({ id: ME, name: 'exampleuser' });
    const sent = await agent.post('/cloud/message').expect(200);
    expect(sent.body).toMatchObject({ sent: true, rateLimit: { remaining: 4999 } });
    expect(emu().messages).toEqual([expect.objectContaining({ universeId: MY_UNIVERSE, message: 'from the app', sub: ME })]);
  });

  it('persists a refresh it makes in the session before answering, and the next request uses the new tokens', async () => {
    const { agent, tokens } = await signedIn(appWith({ skewSeconds: 10_000 }));
    emu().resetCounters();
    await agent.get('/cloud/me').expect(200);
    expect(emu().counters.token).toBe(1);
    const stored = (await agent.get('/test/tokens')).body as TokenSet;
    expect(stored.refreshToken).not.toBe(tokens.refreshToken);
    expect(stored.accessToken).not.toBe(tokens.accessToken);
    await agent.get('/cloud/me').expect(200);
    expect(emu().counters.token).toBe(2); // refreshed again (skew), from the stored successor: no invalid_grant
  });

  it('uses the tokens refreshTokens() set on the request', async () => {
    const { agent } = await signedIn(appWith());
    expect((await agent.get('/cloud/after-refresh').expect(200)).body).toEqual({ same: true });
  });

  it('after the user revoked the app: the call ends in 401 ERR_ROBLOX_SIGN_IN_REQUIRED and the stored tokens are cleared', async () => {
    const app = appWith();
    const { agent } = await signedIn(app);
    emu().revokeUser(ME);
    const res = await agent.get('/cloud/me').expect(401);
    expect(res.body).toEqual({ error: expect.objectContaining({ name: 'RobloxSignInRequiredError', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' }) });
    expect((await agent.get('/test/tokens')).body).toBeNull();
  });

  it('answers the sign-in outcome without tokens (401, or redirectTo)', async () => {
    await request(appWith()).get('/cloud/me').expect(401);
    const res = await request(appWith({ redirectTo: '/login' })).get('/cloud/me').expect(302);
    expect(res.headers.location).toBe('/login');
  });

  it('a 403 reaches the app\'s error handler as ERR_ROBLOX_PERMISSION_DENIED, the session kept', async () => {
    const app = createTestApp({
      emulator: emu(),
      routes: (a, { strategy }) => {
        a.get('/cloud/group-message', openCloud({ client: strategy.client }), async (req, res, next) => {
          try {
            await req.robloxCloud!.universes.publishMessage(MY_UNIVERSE, { topic: 't', message: 'm' });
            res.sendStatus(204);
          } catch (err) {
            next(err);
          }
        });
        a.get('/test/tokens', (req, res) => res.json(sessionOf(req).robloxTokens ?? null));
      },
    });
    const agent = request.agent(app);
    await login(agent, emu());
    const res = await agent.get('/cloud/group-message').expect(403);
    expect(res.body.error).toMatchObject({ code: 'ERR_ROBLOX_PERMISSION_DENIED' });
    expect((await agent.get('/test/tokens')).body).not.toBeNull();
  });

  it('checks its options once', () => {
    expect(() => openCloud({} as never)).toThrow(/client option/);
    const app = appWith();
    expect(() => openCloud({ client: app.strategy.client, baseURL: 'http://example.com' })).toThrow(/https/);
    expect(() => openCloud({ client: app.strategy.client, skewSeconds: -1 })).toThrow(/skewSeconds/);
  });
});
