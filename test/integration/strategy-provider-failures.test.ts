import request, { type Response } from 'supertest';
import { RobloxConfigurationError } from '../../src';
import { createTestApp, type TestApp } from '../helpers/app';
import { CLIENT_SECRET, modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { beginLogin, finishLogin, login } from '../helpers/login';

const { use: useModeEmulator, emu } = modeEmulators();

/** Asserts nothing secret leaked into what the app saw or answered: no code, verifier, secret or token. */
function expectNoSecrets(app: TestApp, answer: Response, secrets: Array<string | null | undefined>): void {
  const seen = JSON.stringify(app.errors) + answer.text + JSON.stringify(answer.headers);
  for (const secret of secrets) if (secret) expect(seen).not.toContain(secret);
  expect(seen).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}|Bearer [A-Za-z0-9]/);
}

/** Logs in expecting the callback to end in the app's error handler; checks that no secret leaked. */
async function loginExpectingError(app: TestApp) {
  const agent = request.agent(app);
  const result = await login(agent, emu(), { finish: false });
  const pending = (await agent.get('/me')).body.session['roblox:oidc'] as Record<string, { codeVerifier: string; nonce: string }>;
  const tx = pending[result.state as string];
  expect(tx?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const answer = await finishLogin(agent, result.callbackURL);
  // Provider trouble answers 502 (bad gateway), or 504 when the provider timed out.
  expect(answer.status).toBe(app.errors.at(-1)?.code === 'ERR_ROBLOX_TIMEOUT' ? 504 : 502);
  expect((await agent.get('/me')).body.authenticated).toBe(false);
  expectNoSecrets(app, answer, [result.code, CLIENT_SECRET, tx?.codeVerifier, tx?.nonce]);
  return { agent, result };
}

describe.each(REFRESH_MODES)('RobloxStrategy when the provider misbehaves, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('hands a 5xx at the token endpoint to the app as a RobloxResponseError (next(err)); the state stays consumed', async () => {
    const app = createTestApp({ emulator: emu() });
    emu().failNext('token', { status: 503 });
    const { agent, result } = await loginExpectingError(app);
    expect((await finishLogin(agent, result.callbackURL)).headers.location).toBe('/login-failed');
    expect(emu().counters.token).toBe(1);
    expect(app.errors).toEqual([{ name: 'RobloxResponseError', code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('answered HTTP 503'), status: 502, authenticated: false }]);
  });

  it('errors on a token response that is not JSON', async () => {
    const app = createTestApp({ emulator: emu() });
    emu().failNext('token', { status: 200, body: '{"access_token":' });
    await loginExpectingError(app);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('not JSON') })]);
  });

  it('errors on a token_type other than Bearer', async () => {
    const app = createTestApp({ emulator: emu() });
    emu().failNext('token', { status: 200, body: JSON.stringify({ access_token: 'x', token_type: 'mac', expires_in: 899 }) });
    await loginExpectingError(app);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('Bearer') })]);
  });

  it('gives up on a token endpoint that never answers within the timeout', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { timeout: 300 } });
    const agent = request.agent(app);
    const { callbackURL } = await login(agent, emu(), { finish: false });
    emu().failNext('token', { hang: true });
    const started = Date.now();
    const res = await agent.get(`${callbackURL.pathname}${callbackURL.search}`);
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1500);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_TIMEOUT', message: expect.stringContaining('300 ms') })]);
  });

  it('errors (not fails) when the JWKS cannot be fetched, then works once it can', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { timeout: 300 } });
    emu().failNext('jwks', { hang: true });
    await loginExpectingError(app);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_TIMEOUT' })]);
    expect((await login(request.agent(app), emu())).location).toBe('/');
  });

  it('errors (not fails) on a JWKS that is not a usable key set: a provider fault, not a bad token', async () => {
    const app = createTestApp({ emulator: emu() });
    emu().failNext('jwks', { status: 200, body: '{"keys":[1]}' });
    await loginExpectingError(app);
    emu().failNext('jwks', { status: 200, body: '{"keys":"none"}' });
    await loginExpectingError(app);
    emu().failNext('jwks', { status: 200, body: '{"keys":[1,{"kty":"EC"}]}' });
    await loginExpectingError(app);
    expect(app.errors).toEqual([
      expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('JWKS has no usable signing key') }),
      expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('JWKS is not a key set') }),
      expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('JWKS is malformed') }),
    ]);
  });

  it('errors on a userinfo 5xx, reset connection, or a body that is not JSON', async () => {
    const app = createTestApp({ emulator: emu() });
    emu().failNext('userinfo', { status: 502 });
    await loginExpectingError(app);
    emu().failNext('userinfo', { reset: true });
    await loginExpectingError(app);
    emu().nextUserinfo(() => '{"sub":');
    await loginExpectingError(app);
    expect(app.errors.map((e) => e.code)).toEqual(['ERR_ROBLOX_RESPONSE', 'ERR_ROBLOX_NETWORK', 'ERR_ROBLOX_RESPONSE']);
  });

  it('treats invalid_client (a wrong secret) as misconfiguration: an error, not a failed login', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { clientSecret: 'wrong-secret' } });
    const { agent } = await loginExpectingError(app);
    expect(app.errors).toEqual([expect.objectContaining({ name: 'RobloxOAuthError', code: 'ERR_ROBLOX_OAUTH', message: expect.stringContaining('invalid_client') })]);
    expect(JSON.stringify(app.errors)).not.toContain('wrong-secret');
    expect((await agent.get('/login-failed')).body.messages).toEqual([]);
  });

  it('errors at login start when discovery fails, without storing a transaction, and retries next time', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    emu().failNext('discovery', { status: 500 });
    const res = await agent.get('/auth/roblox');
    expect(res.status).toBe(502);
    expect(res.headers.location).toBeUndefined();
    expect(app.errors).toEqual([expect.objectContaining({ name: 'RobloxDiscoveryError', code: 'ERR_ROBLOX_DISCOVERY' })]);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await login(agent, emu())).location).toBe('/');
  });

  it('refuses to start a login when the discovery document names another issuer', async () => {
    const mismatched = emu().issuer.replace('127.0.0.1', 'localhost');
    const app = createTestApp({ emulator: emu(), strategyOptions: { issuer: mismatched } });
    const agent = request.agent(app);
    const res = await agent.get('/auth/roblox');
    expect(res.status).toBe(502);
    expect(res.headers.location).toBeUndefined();
    expect(app.errors).toEqual([expect.objectContaining({
      code: 'ERR_ROBLOX_DISCOVERY',
      message: `The discovery document's issuer does not equal the configured issuer "${mismatched}"`,
    })]);
    expect(emu().counters.authorize).toBe(0);
  });

  it('errors when the provider cannot be reached at all', async () => {
    const app = createTestApp({ emulator: { issuer: 'http://127.0.0.1:9/oauth/' } });
    const res = await request(app).get('/auth/roblox');
    expect(res.status).toBe(502);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_DISCOVERY', message: expect.stringContaining('ECONNREFUSED') })]);
  });

  it('refuses an issuer without its trailing slash when constructed, naming the option', () => {
    const issuer = emu().issuer.replace(/\/$/, '');
    expect(() => createTestApp({ emulator: emu(), strategyOptions: { issuer } })).toThrow(RobloxConfigurationError);
    expect(() => createTestApp({ emulator: emu(), strategyOptions: { issuer } }))
      .toThrow(`RobloxStrategy issuer option must end with a slash, exactly as the provider states it: "${issuer}/"`);
  });

  it('errors when there is no session middleware', async () => {
    const app = createTestApp({ emulator: emu(), routes: (app, { passport }) => {
      app.get('/no-session', (req, _res, next) => { (req as unknown as { session?: unknown }).session = undefined; next(); }, passport.authenticate('roblox'));
    } });
    const res = await request(app).get('/no-session');
    expect(res.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_CONFIGURATION', message: expect.stringContaining('session middleware') })]);
  });

  it('never puts the verifier in the authorization URL', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const { authorizeURL } = await beginLogin(agent);
    const pending = (await agent.get('/me')).body.session['roblox:oidc'] as Record<string, { codeVerifier: string }>;
    const verifier = Object.values(pending)[0]?.codeVerifier as string;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(authorizeURL.toString()).not.toContain(verifier);
  });

  it('puts the code in no message: neither a refused code (a failure) nor a redeemed one that then breaks (errors)', async () => {
    // A code the token endpoint refuses: the failure message shown to the user.
    const refusedApp = createTestApp({ emulator: emu() });
    const refusedAgent = request.agent(refusedApp);
    const { callbackURL } = await login(refusedAgent, emu(), { finish: false });
    const code = callbackURL.searchParams.get('code') as string;
    emu().failNext('token', { status: 400, body: JSON.stringify({ error: 'invalid_grant', error_description: `code ${code} is not valid` }) });
    const refused = await finishLogin(refusedAgent, callbackURL);
    expect(refused.headers.location).toBe('/login-failed');
    const messages = (await refusedAgent.get('/login-failed')).body.messages as string[];
    expect(messages).toHaveLength(1);
    expectNoSecrets(refusedApp, refused, [code]);
    expect(JSON.stringify(messages)).not.toContain(code);
    // Errors after the exchange (userinfo down, a JWKS that is not JSON): what reached the app's error handler.
    for (const arrange of [() => emu().failNext('userinfo', { status: 500 }), () => emu().failNext('jwks', { status: 200, body: 'nope' })]) {
      const app = createTestApp({ emulator: emu() });
      arrange();
      await loginExpectingError(app);
      expect(app.errors).toHaveLength(1);
    }
  });
});
