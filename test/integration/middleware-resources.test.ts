import request from 'supertest';
import type { Express } from 'express';
import { authorizedResources, refreshTokens, type TokenSet } from '../../src';
import { createTestApp, type TestApp } from '../helpers/app';
import { modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';

const { use: useModeEmulator, emu } = modeEmulators();
const travel = useTimeTravel();
const SCOPE = ['openid', 'profile', 'universe-messaging-service:publish'];

function appWith(): TestApp {
  return createTestApp({
    emulator: emu(),
    strategyOptions: { scope: SCOPE },
    routes: (app: Express, { strategy }) => {
      const client = strategy.client;
      app.get('/resources', refreshTokens({ client }), authorizedResources({ client }), (req, res) => {
        res.json({ resources: req.robloxResources, accessToken: req.robloxTokens?.accessToken });
      });
      app.get('/resources-from-store', authorizedResources({ client, redirectTo: '/login' }), (req, res) => res.json(req.robloxResources));
      app.get('/test/tokens', (req, res) => res.json((req as unknown as { session: { robloxTokens?: TokenSet } }).session.robloxTokens ?? null));
    },
  });
}

async function signedIn(app: TestApp, sub?: string): Promise<Agent> {
  if (sub) emu().autoApprove = sub;
  const agent = request.agent(app);
  expect((await login(agent, emu())).location).toBe('/');
  return agent;
}

describe.each(REFRESH_MODES)('authorizedResources() against the emulator, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('sets req.robloxResources and serves a second request from the cache', async () => {
    const app = appWith();
    const agent = await signedIn(app);
    const sub = emu().users[0]!.sub;
    emu().resetCounters();

    const first = await agent.get('/resources').expect(200);
    const owner = { type: 'User', id: sub };
    expect(first.body.resources).toEqual({ universes: [{ id: '3828411582', owner }], creators: [owner], owners: [owner] });
    expect(emu().counters.resources).toBe(1);

    const second = await agent.get('/resources').expect(200);
    expect(second.body.resources).toEqual(first.body.resources);
    expect(emu().counters.resources).toBe(1); // cached for the access token's lifetime

    await agent.get('/resources-from-store').expect(200, first.body.resources); // same token via the store: cached too
    expect(emu().counters.resources).toBe(1);
  });

  it('looks resources up again for a new access token after a refresh', async () => {
    const app = appWith();
    const agent = await signedIn(app);
    const before = await agent.get('/resources').expect(200);
    emu().resetCounters();
    travel(AFTER_EXPIRY);
    const after = await agent.get('/resources').expect(200);
    expect(after.body.accessToken).not.toBe(before.body.accessToken);
    expect(after.body.resources).toEqual(before.body.resources);
    expect(emu().counters).toMatchObject({ token: 1, resources: 1 });
  });

  it('maps a group owner\'s resources', async () => {
    const agent = await signedIn(appWith(), '12345678');
    const group = { type: 'Group', id: '7654321' };
    const res = await agent.get('/resources').expect(200);
    expect(res.body.resources).toEqual({ universes: [{ id: '4829112345', owner: group }], creators: [group], owners: [group] });
  });

  it('lists only what the user shared on the consent page', async () => {
    emu().autoApprove = false;
    const sub = emu().users[0]!.sub;
    const agent = request.agent(appWith());
    const { location } = await login(agent, emu(), { consent: { decision: 'approve', user: sub, uncheck: [`share:${sub}:creator`] } });
    expect(location).toBe('/');
    const owner = { type: 'User', id: sub };
    const res = await agent.get('/resources').expect(200);
    expect(res.body.resources).toEqual({ universes: [{ id: '3828411582', owner }], creators: [], owners: [owner] });
  });

  it('asks to sign in again when Roblox rejects the access token, clearing the tokens', async () => {
    const app = appWith();
    const agent = await signedIn(app);
    emu().revokeUser(emu().users[0]!.sub);
    const res = await agent.get('/resources').expect(401);
    expect(res.body.code).toBe('ERR_ROBLOX_SIGN_IN_REQUIRED');
    expect((await agent.get('/test/tokens')).body).toBeNull();
    expect(app.errors).toEqual([]);
  });

  it('redirects or answers 401 without tokens, and passes outages on', async () => {
    const app = appWith();
    const anon = await request(app).get('/resources-from-store').expect(302);
    expect(anon.headers.location).toBe('/login');
    await request(app).get('/resources').expect(401);

    const agent = await signedIn(app);
    emu().failNext('resources', { status: 502 });
    const down = await agent.get('/resources').expect(502);
    expect(down.body.error.code).toBe('ERR_ROBLOX_RESPONSE');
    expect((await agent.get('/test/tokens')).body).not.toBeNull();
    await agent.get('/resources').expect(200); // a failure is not cached
  });
});
