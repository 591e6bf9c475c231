import request from 'supertest';
import { createTestApp } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { authorizeAt, beginLogin, finishLogin, login, type Agent } from '../helpers/login';

const { use: useModeEmulator, emu } = modeEmulators();

async function state(agent: Agent) {
  const me = (await agent.get('/me')).body;
  const messages = (await agent.get('/login-failed')).body.messages as string[];
  return { me, messages };
}

/** Starts a login and lets the emulator approve it, without calling the app's callback. */
async function approvedCallback(agent: Agent, path?: string): Promise<URL> {
  return (await login(agent, emu(), { finish: false, ...(path ? { path } : {}) })).callbackURL;
}

/** The `name=value` pairs of a response's Set-Cookie headers, as a browser would send them back. */
function cookieOf(setCookie: unknown): string {
  return (setCookie as string[]).map((c) => c.split(';')[0]).join('; ');
}

function withParams(url: URL, extra: Record<string, string>, replace = false): URL {
  const copy = new URL(url);
  for (const [k, v] of Object.entries(extra)) {
    if (replace) copy.searchParams.set(k, v);
    else copy.searchParams.append(k, v);
  }
  return copy;
}

describe.each(REFRESH_MODES)('RobloxStrategy callback defences, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('refuses a replayed callback: the transaction is consumed on first use', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const first = await login(agent, emu());
    expect(first.location).toBe('/');
    const replay = await agent.get(first.callbackPath);
    expect(replay.headers.location).toBe('/login-failed');
    const { me, messages } = await state(agent);
    expect(messages).toEqual([expect.stringMatching(/does not match a sign-in started in this browser, or was already used/)]);
    expect(me.authenticated).toBe(true);
    expect(emu().counters.token).toBe(1);
  });

  it('refuses a callback carrying another session\'s state (login CSRF), and the victim\'s own login still works', async () => {
    const app = createTestApp({ emulator: emu() });
    const attacker = request.agent(app);
    const victim = request.agent(app);
    await beginLogin(victim);
    const attackersCallback = await approvedCallback(attacker);
    const forced = await finishLogin(victim, attackersCallback);
    expect(forced.headers.location).toBe('/login-failed');
    const { me, messages } = await state(victim);
    expect(me.authenticated).toBe(false);
    expect(messages[0]).toMatch(/does not match a sign-in started in this browser/);
    expect(emu().counters.token).toBe(0);
    expect((await finishLogin(attacker, attackersCallback)).headers.location).toBe('/');
  });

  it('lets two tabs log in from one session, finishing the second before the first', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { returnToQuery: true } });
    const agent = request.agent(app);
    const tab1 = await approvedCallback(agent, '/auth/roblox?returnTo=/one');
    const tab2 = await approvedCallback(agent, '/auth/roblox?returnTo=/two');
    expect((await finishLogin(agent, tab2)).headers.location).toBe('/two');
    const afterSecond = (await agent.get('/me')).body;
    expect(afterSecond.authenticated).toBe(true);
    expect((await finishLogin(agent, tab1)).headers.location).toBe('/one');
    const afterFirst = (await agent.get('/me')).body;
    expect(afterFirst.authenticated).toBe(true);
    expect(afterFirst.sessionID).not.toBe(afterSecond.sessionID);
    expect(afterFirst.session['roblox:oidc']).toBeUndefined();
  });

  it('refuses an expired transaction', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { transactionTTL: 1 } });
    const agent = request.agent(app);
    const callbackURL = await approvedCallback(agent);
    await new Promise((r) => setTimeout(r, 5));
    expect((await finishLogin(agent, callbackURL)).headers.location).toBe('/login-failed');
    expect((await state(agent)).messages).toEqual(['The sign-in took too long and expired. Please sign in again.']);
  });

  it('refuses a callback without state, with repeated parameters, or without a code', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const callbackURL = await approvedCallback(agent);

    const noState = new URL(callbackURL);
    noState.searchParams.delete('state');
    expect((await finishLogin(agent, noState)).headers.location).toBe('/login-failed');
    expect((await finishLogin(agent, withParams(callbackURL, { state: 'x' }))).headers.location).toBe('/login-failed');
    expect((await finishLogin(agent, withParams(callbackURL, { code: 'other' }))).headers.location).toBe('/login-failed');
    const { messages } = await state(agent);
    expect(messages).toEqual([
      'The sign-in response has no state. Please sign in again.',
      'The sign-in response is malformed (a parameter is repeated). Please sign in again.',
      'The sign-in response is malformed (a parameter is repeated). Please sign in again.',
    ]);

    const noCode = new URL(callbackURL);
    noCode.searchParams.delete('code');
    expect((await finishLogin(agent, noCode)).headers.location).toBe('/login-failed');
    expect((await state(agent)).messages.at(-1)).toBe('The sign-in response has no authorization code. Please sign in again.');
    expect(emu().counters.token).toBe(0);

    // An empty code is no code either: refused here, not sent to the token endpoint.
    const emptyCode = withParams(await approvedCallback(agent), { code: '' }, true);
    expect((await finishLogin(agent, emptyCode)).headers.location).toBe('/login-failed');
    expect((await state(agent)).messages.at(-1)).toBe('The sign-in response has no authorization code. Please sign in again.');
    expect(emu().counters.token).toBe(0);
  });

  it('finishes a login on another instance sharing the session store, one that has not read discovery yet', async () => {
    // Several instances behind a load balancer: the login starts on A, Roblox sends the browser back to B.
    const a = createTestApp({ emulator: emu() });
    const b = createTestApp({ emulator: emu(), sessionStore: a.sessionStore });
    const { start, callbackURL } = await login(request.agent(a), emu(), { finish: false });
    const res = await request(b).get(`${callbackURL.pathname}${callbackURL.search}`).set('Cookie', cookieOf(start.headers['set-cookie']));
    expect(b.errors).toEqual([]);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
    const me = (await request(b).get('/me').set('Cookie', cookieOf(res.headers['set-cookie']))).body;
    expect(me).toMatchObject({ authenticated: true, user: { id: expect.any(String) } });
    expect(emu().counters.token).toBe(1);
  });

  it('refuses an iss parameter that is not the issuer (RFC 9207) and accepts the right one', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const bad = await finishLogin(agent, withParams(await approvedCallback(agent), { iss: 'https://evil.example/oauth/' }));
    expect(bad.headers.location).toBe('/login-failed');
    expect((await state(agent)).messages).toEqual(['The sign-in response came from an unexpected issuer. Please sign in again.']);
    const good = await finishLogin(agent, withParams(await approvedCallback(agent), { iss: emu().issuer }));
    expect(good.headers.location).toBe('/');
  });

  it('fails with invalid_grant when the code is not accepted by the token endpoint', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const tampered = withParams(await approvedCallback(agent), { code: 'forged-code' }, true);
    expect((await finishLogin(agent, tampered)).headers.location).toBe('/login-failed');
    expect((await state(agent)).messages).toEqual(['Roblox did not accept the sign-in code (it expired or was already used). Please sign in again.']);
    expect(app.errors).toEqual([]);
  });

  it('fails with the same invalid_grant login failure when the token endpoint answers 401 for a used code, as Roblox does', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const callback = await approvedCallback(agent);
    // Someone else presents the code first (with a wrong verifier): it is burned, and Roblox answers 401.
    const burn = await fetch(emu().endpoints.token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: callback.searchParams.get('code')!, code_verifier: 'v'.repeat(43),
        client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
      }),
    });
    expect(burn.status).toBe(401);
    expect(((await burn.json()) as { error: string }).error).toBe('invalid_grant');
    emu().resetCounters();

    expect((await finishLogin(agent, callback)).headers.location).toBe('/login-failed');
    expect(emu().counters.token).toBe(1); // the app's exchange, refused with 401
    const { me, messages } = await state(agent);
    expect(me.authenticated).toBe(false);
    expect(messages).toEqual(['Roblox did not accept the sign-in code (it expired or was already used). Please sign in again.']);
    expect(app.errors).toEqual([]);
  });

  it('tells the user they denied access on the consent page', async () => {
    emu().autoApprove = false;
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const { location } = await login(agent, emu(), { consent: { decision: 'deny' } });
    expect(location).toBe('/login-failed');
    const { me, messages } = await state(agent);
    expect(me.authenticated).toBe(false);
    expect(messages).toEqual(['You denied access to your Roblox account, so you were not signed in.']);
  });

  it('logs in through the consent page as the chosen user', async () => {
    emu().autoApprove = false;
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const { location } = await login(agent, emu(), { consent: { decision: 'approve', user: '12345678' } });
    expect(location).toBe('/');
    expect((await agent.get('/me')).body.user).toMatchObject({ id: '12345678', username: 'robloxjanedoe' });
  });

  it('never reflects provider error input: a <script> error_description or error code goes nowhere', async () => {
    const app = createTestApp({ emulator: emu(), authenticateOptions: { failureRedirect: undefined, failureMessage: true } });
    const agent = request.agent(app);
    const { authorizeURL } = await beginLogin(agent);
    const st = authorizeURL.searchParams.get('state') as string;
    const script = '<script>alert(document.cookie)</script>';
    const denied = await agent.get('/auth/roblox/callback').query({ error: 'access_denied', error_description: script, state: st });
    expect(denied.status).toBe(401);
    expect(denied.text).toBe('Unauthorized');
    const { authorizeURL: again } = await beginLogin(agent);
    const other = await agent.get('/auth/roblox/callback').query({ error: '<img src=x onerror=alert(1)>', error_description: script, state: again.searchParams.get('state') as string });
    expect(other.status).toBe(401);
    const { messages } = await state(agent);
    expect(messages).toEqual([
      'You denied access to your Roblox account, so you were not signed in.',
      'Roblox could not sign you in (invalid_response). Please try again.',
    ]);
    expect(JSON.stringify(messages)).not.toMatch(/<|script|img/);
  });

  it('reports other provider errors by their code (invalid_scope for a scope the app may not request)', async () => {
    const app = createTestApp({ emulator: emu(), loginOptions: { scope: ['openid', 'email'] } });
    const agent = request.agent(app);
    const { location } = await login(agent, emu());
    expect(location).toBe('/login-failed');
    expect((await state(agent)).messages).toEqual(['Roblox could not sign you in (invalid_scope). Please try again.']);
  });

  it('gives the app a RobloxAuthFailure with a stable code in a custom callback', async () => {
    const infos: unknown[] = [];
    const app = createTestApp({
      emulator: emu(),
      routes: (app, { passport }) => app.get('/custom/callback', (req, res, next) =>
        passport.authenticate('roblox', (err: unknown, user: unknown, info: unknown) => {
          if (err) return next(err);
          infos.push(info);
          res.status(user ? 200 : 401).end();
        })(req, res, next)),
    });
    const agent = request.agent(app);
    const callbackURL = await approvedCallback(agent);
    await agent.get(`/custom/callback${callbackURL.search}`).expect(200);
    await agent.get(`/custom/callback${callbackURL.search}`).expect(401);
    expect(infos).toEqual([undefined, { code: 'ERR_ROBLOX_STATE', message: expect.stringMatching(/already used/) }]);
  });
});

describe.each(REFRESH_MODES)('RobloxStrategy returnTo, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  const cases: Array<[string, string]> = [
    ['/x', '/x'],
    ['/x?tab=2', '/x?tab=2'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['https://evil.example', '/'],
    ['javascript:alert(1)', '/'],
  ];

  it.each(cases)('returnTo=%p from the query (returnToQuery: true) lands on %p', async (returnTo, expected) => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { returnToQuery: true } });
    const { location } = await login(request.agent(app), emu(), { path: `/auth/roblox?returnTo=${encodeURIComponent(returnTo)}` });
    expect(location).toBe(expected);
  });

  it('ignores the query returnTo unless returnToQuery is set', async () => {
    const app = createTestApp({ emulator: emu() });
    const { location } = await login(request.agent(app), emu(), { path: '/auth/roblox?returnTo=/x' });
    expect(location).toBe('/');
  });

  it('honours the returnTo authenticate option, and a session returnTo set before login (e.g. by connect-ensure-login)', async () => {
    const app = createTestApp({
      emulator: emu(),
      routes: (app, { passport }) => {
        app.get('/auth/roblox/settings', passport.authenticate('roblox', { returnTo: '/settings' } as never));
        app.get('/auth/roblox/evil', passport.authenticate('roblox', { returnTo: '//evil.example' } as never));
        app.get('/private', (req, res) => {
          (req.session as unknown as { returnTo: string }).returnTo = '/private';
          res.redirect('/auth/roblox');
        });
      },
    });
    expect((await login(request.agent(app), emu(), { path: '/auth/roblox/settings' })).location).toBe('/settings');
    expect((await login(request.agent(app), emu(), { path: '/auth/roblox/evil' })).location).toBe('/');
    const agent = request.agent(app);
    await agent.get('/private').expect(302);
    expect((await login(agent, emu())).location).toBe('/private');
  });
});
