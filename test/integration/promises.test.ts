// Promises of the README and DESIGN.md that a review (issue 14) could remove from the code with the suite still
// green. Each test here was seen to fail with its promise taken out of the code: docs/testing.md lists the mutations.
import request from 'supertest';
import type { Express } from 'express';
import { refreshTokens, revokeTokens, RobloxError, RobloxResponseError, type TokenSet } from '../../src';
import { createTestApp, type TestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';
import { emulatorClient, obtainTokens } from '../helpers/middleware-tokens';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';

const emu = useEmulator();
const travel = useTimeTravel();

/** Everything an error carries that could reach a log: message, stack, own properties, and its causes'. */
function everything(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof Error) parts.push(e.message, e.stack ?? '', String(e));
    try {
      parts.push(JSON.stringify(e));
    } catch {
      parts.push('(unserializable)');
    }
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
}

function appWith(routes: (app: Express, ctx: { strategy: TestApp['strategy'] }) => void): TestApp {
  return createTestApp({ emulator: emu(), routes });
}

async function signedIn(app: TestApp): Promise<{ agent: Agent; tokens: TokenSet }> {
  const agent = request.agent(app);
  const { location } = await login(agent, emu());
  expect(location).toBe('/');
  const tokens = (await agent.get('/me')).body.session.robloxTokens as TokenSet;
  expect(tokens.refreshToken).toEqual(expect.any(String));
  return { agent, tokens };
}

describe('the issuer is compared exactly, never as a prefix', () => {
  it('refuses an ID token whose iss extends the issuer (…/oauth/evil)', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    emu().nextIdToken({ claims: { iss: `${emu().issuer}evil` } });
    const { location } = await login(agent, emu());
    expect(location).toBe('/login-failed');
    expect((await agent.get('/login-failed')).body.messages).toEqual([expect.stringMatching(/ID token .*"iss"/)]);
    expect((await agent.get('/me')).body.authenticated).toBe(false);
  });

  it('refuses a callback whose iss parameter extends the issuer (RFC 9207)', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const { callbackURL } = await login(agent, emu(), { finish: false });
    callbackURL.searchParams.set('iss', `${emu().issuer}evil`);
    const res = await agent.get(`${callbackURL.pathname}${callbackURL.search}`);
    expect(res.headers.location).toBe('/login-failed');
    expect((await agent.get('/login-failed')).body.messages).toEqual(['The sign-in response came from an unexpected issuer. Please sign in again.']);
    expect(emu().counters.token).toBe(0);
  });
});

describe('the refresh token appears in no message', () => {
  it.each([
    ['a timeout', () => emu().failNext('token', { hang: true })],
    ['a 5xx', () => emu().failNext('token', { status: 503 })],
    ['a reset connection', () => emu().failNext('token', { reset: true })],
  ])('%s while refreshing', async (_what, arrange) => {
    const client = emulatorClient(emu(), { timeout: 1_000 });
    const tokens = await obtainTokens(emu(), client);
    arrange();
    const err = await client.refresh(tokens.refreshToken!).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxError);
    const seen = everything(err);
    expect(seen).not.toContain(tokens.refreshToken!);
    expect(seen).not.toContain(tokens.accessToken);
  });

  it('in the 401 that asks the user to sign in again (body, and the error with its causes)', async () => {
    const handed: unknown[] = [];
    const app = appWith((a, { strategy }) => {
      a.get('/api', refreshTokens({ client: strategy.client }), (_req, res) => res.json({ ok: true }));
      a.get('/api-handler', refreshTokens({
        client: strategy.client,
        onSignInRequired: (err, _req, res) => { handed.push(err); res.status(401).json({ message: err.message }); },
      }), (_req, res) => res.json({ ok: true }));
    });
    const { agent, tokens } = await signedIn(app);
    const second = await signedIn(app);
    emu().revokeUser(emu().users[0]!.sub);
    travel(AFTER_EXPIRY);
    const res = await agent.get('/api').expect(401);
    expect(res.text).not.toContain(tokens.refreshToken!);
    await second.agent.get('/api-handler').expect(401);
    expect(handed).toHaveLength(1);
    expect(everything(handed[0])).not.toContain(second.tokens.refreshToken!);
    expect(everything(handed[0])).toMatch(/Sign in with Roblox again/);
  });
});

describe('provider answers are size-limited', () => {
  it('refuses a userinfo answer over 1 MiB as a RobloxResponseError, without buffering it all', async () => {
    const client = emulatorClient(emu(), { timeout: 5_000 });
    const tokens = await obtainTokens(emu(), client);
    emu().failNext('userinfo', { status: 200, body: JSON.stringify({ sub: '1', pad: 'x'.repeat(1024 * 1024 + 10) }) });
    const err = await client.userinfo(tokens.accessToken).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RobloxResponseError);
    expect((err as Error).message).toMatch(/answered more than 1048576 bytes/);
  });
});

describe('the JWKS is refetched for an unknown key at most once per cooldown', () => {
  it('a JWKS fetched once serves the logins that follow (no fetch per token)', async () => {
    const client = emulatorClient(emu(), { timeout: 2_000 });
    emu().resetCounters();
    for (let i = 0; i < 3; i++) await obtainTokens(emu(), client);
    expect(emu().counters.jwks).toBe(1);
  });

  it('a burst of ID tokens with an unknown kid costs one JWKS refetch, not one per token', async () => {
    const client = emulatorClient(emu(), { timeout: 2_000, jwksCooldown: 60_000 });
    // Warm the cache with a good token.
    await obtainTokens(emu(), client);
    emu().resetCounters();
    for (let i = 0; i < 5; i++) {
      emu().nextIdToken({ signWith: 'foreign', header: { kid: `unknown-${i}` } });
      const err = await obtainTokens(emu(), client).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ code: 'ERR_ROBLOX_ID_TOKEN' });
    }
    expect(emu().counters.jwks).toBe(1);
  });
});

describe('revokeTokens revokes the newest refresh token', () => {
  it('a logout that read the session before a concurrent refresh rotated the tokens revokes the new grant', async () => {
    const app = appWith((a, { strategy }) => {
      a.get('/api', refreshTokens({ client: strategy.client }), (req, res) => res.json(req.robloxTokens));
      a.post('/logout', revokeTokens({ client: strategy.client }), (_req, res) => res.json({ ok: true }));
    });
    const { agent, tokens } = await signedIn(app);
    travel(AFTER_EXPIRY);
    emu().setLatency('token', 800);
    emu().resetCounters();
    const refreshing = agent.get('/api').then((res) => res);
    while (emu().counters.token === 0) await new Promise((r) => setTimeout(r, 10));
    // The logout loaded the session with the old tokens while the refresh is still at Roblox.
    const logout = await agent.post('/logout');
    const refreshed = (await refreshing).body as TokenSet;
    emu().setLatency('token', 0);
    expect(logout.status).toBe(200);
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    await expect(app.strategy.client.refresh(refreshed.refreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
