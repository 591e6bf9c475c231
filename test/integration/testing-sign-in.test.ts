// passport-roblox-oidc/testing against the emulator over real HTTP: what users' own tests call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { refreshTokens } from '../../src';
import { SignInWithRobloxError, signInWithRoblox, signInWithRobloxDetailed, type SignInAgent, type SignInResponse } from '../../src/testing';
import { createTestApp, type TestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';

const emu = useEmulator();

/** The test app with a protected route behind refreshTokens(). */
function appWithAccount(extra: Parameters<typeof createTestApp>[0] extends infer O ? Partial<O> : never = {}): TestApp {
  return createTestApp({
    emulator: emu(),
    ...extra,
    routes: (app, { strategy }) => {
      app.get('/account', refreshTokens({ client: strategy.client }), (req, res) => {
        res.json({ user: req.user, scope: req.robloxTokens?.scope });
      });
    },
  });
}

/** Wraps a supertest agent and records every path it requested (to find the code and state a sign-in carried). */
function recording(agent: ReturnType<typeof request.agent>): SignInAgent & { paths: string[] } {
  const paths: string[] = [];
  return {
    paths,
    get: (path: string) => {
      paths.push(path);
      return agent.get(path);
    },
  };
}

/** Asserts that nothing of the sign-in's code or state appears in the error. */
function expectNoSecrets(err: unknown, paths: string[]): void {
  const text = `${String(err)} ${JSON.stringify(err)} ${(err as Error).stack ?? ''}`;
  for (const p of paths) {
    for (const [name, value] of new URL(p, 'http://x').searchParams) {
      if (name === 'code' || name === 'state') expect(text).not.toContain(value);
    }
  }
  expect(text).not.toMatch(/code=|state=/);
}

async function failure(p: Promise<unknown>): Promise<SignInWithRobloxError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(SignInWithRobloxError);
  return err as SignInWithRobloxError;
}

describe('signInWithRoblox', () => {
  it('signs the first user in from an app and returns a supertest agent that reaches a refreshTokens route', async () => {
    const agent = await signInWithRoblox(appWithAccount(), { emulator: emu() });
    const res = await agent.get('/account').expect(200);
    expect(res.body.user).toMatchObject({ id: emu().users[0]!.sub });
    expect(res.body.scope).toEqual(['openid', 'profile']);
  });

  it('keeps the agent it is given and signs in as the chosen user through the consent page, restoring autoApprove', async () => {
    const given = request.agent(appWithAccount());
    const second = emu().users[1]!.sub;
    const agent = await signInWithRoblox(given, { emulator: emu(), user: second });
    expect(agent).toBe(given);
    expect((await agent.get('/account').expect(200)).body.user.id).toBe(second);
    expect(emu().autoApprove).toBe(true);
  });

  it('signs several users in at once on one emulator, each as the user asked for or as the one it approves as', async () => {
    const app = appWithAccount();
    const subs = emu().users.map((u) => u.sub);
    emu().autoApprove = subs[2]!;
    emu().setLatency('authorize', 30); // so that the sign-ins' authorize requests would overlap
    const asked = Array.from({ length: 4 }, () => [subs[0], subs[1], undefined, subs[2]]).flat();
    const agents = await Promise.all(asked.map((user) => signInWithRoblox(request.agent(app), { emulator: emu(), ...(user ? { user } : {}) })));
    const ids = await Promise.all(agents.map(async (a) => (await a.get('/account').expect(200)).body.user.id as string));
    expect(ids).toEqual(asked.map((u) => u ?? subs[2]));
    expect(emu().autoApprove).toBe(subs[2]);
  });

  it('works with an issuer URL and an emulator showing its consent page, and with resources unchecked', async () => {
    emu().autoApprove = false;
    const second = emu().users[1]!.sub;
    const agent = await signInWithRoblox(request.agent(appWithAccount()), { emulator: emu().issuer, user: second, uncheck: [`share:${second}:creator`] });
    expect((await agent.get('/account').expect(200)).body.user.id).toBe(second);
  });

  it('returns the callback answer with signInWithRobloxDetailed, through a login path with a query', async () => {
    const { location, response } = await signInWithRobloxDetailed(request.agent(appWithAccount({ loginOptions: {} })), {
      emulator: emu(),
      loginPath: '/auth/roblox?returnTo=/account',
    });
    expect(response.status).toBe(302);
    expect(location).toBe('/');
  });

  it('checks the scopes the app requested', async () => {
    const err = await failure(signInWithRoblox(request.agent(appWithAccount()), { emulator: emu(), scopes: ['openid', 'universe-messaging-service:publish'] }));
    expect(err).toMatchObject({ step: 'login', code: 'ERR_ROBLOX_TEST_SIGN_IN' });
    expect(err.message).toContain('universe-messaging-service:publish');
    const ok = await signInWithRoblox(request.agent(appWithAccount({ strategyOptions: { scope: ['openid', 'profile', 'universe-messaging-service:publish'] } })), {
      emulator: emu(),
      scopes: ['universe-messaging-service:publish'],
    });
    expect((await ok.get('/account').expect(200)).body.scope).toContain('universe-messaging-service:publish');
  });

  it('works with any agent that keeps cookies, e.g. a fetch-based jar against the app listening on a port', async () => {
    const server = http.createServer(appWithAccount());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cookies = new Map<string, string>();
    const jar = {
      async get(path: string): Promise<SignInResponse & { body: unknown }> {
        const res = await fetch(base + path, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          const i = pair!.indexOf('=');
          cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
        }
        const text = await res.text();
        return { status: res.status, headers: Object.fromEntries(res.headers), body: res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
      },
    };
    try {
      const agent = await signInWithRoblox(jar, { emulator: emu() });
      const me = await agent.get('/account');
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ user: { id: emu().users[0]!.sub } });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('SignInWithRobloxError', () => {
  it('step login: the app has no login route there', async () => {
    const agent = recording(request.agent(appWithAccount()));
    const err = await failure(signInWithRoblox(agent, { emulator: emu(), loginPath: '/nope?x=1' }));
    expect(err).toMatchObject({ step: 'login', responseStatus: 404 });
    expect(err.message).toContain('"/nope"');
  });

  it('step login: the app points at another provider than the emulator', async () => {
    const agent = recording(request.agent(appWithAccount()));
    const err = await failure(signInWithRoblox(agent, { emulator: 'http://127.0.0.1:1/oauth/' }));
    expect(err).toMatchObject({ step: 'login', responseStatus: 302 });
    expect(err.message).toContain(emu().issuer.replace(/oauth\/$/, ''));
    expect(err.message).not.toContain('?');
    expectNoSecrets(err, agent.paths);
  });

  it('step authorize: the emulator does not know the app\'s client (400, no redirect)', async () => {
    const agent = recording(request.agent(appWithAccount({ strategyOptions: { clientID: 'not-registered' } })));
    const err = await failure(signInWithRoblox(agent, { emulator: emu() }));
    expect(err).toMatchObject({ step: 'authorize', responseStatus: 400 });
    expect(err.message).toContain('clientID');
  });

  it('step authorize: the emulator redirects back with an OAuth error, named by its code only', async () => {
    const agent = recording(request.agent(appWithAccount({ strategyOptions: { scope: ['openid', 'code=secretish'] } })));
    const err = await failure(signInWithRoblox(agent, { emulator: emu() }));
    expect(err).toMatchObject({ step: 'authorize', responseStatus: 302, oauthError: 'invalid_scope' });
    expect(err.message).not.toContain('secretish');
    expectNoSecrets(err, agent.paths);
  });

  it('step authorize: the emulator fails (5xx) or does not answer in time', async () => {
    emu().failNext('authorize', { status: 503 });
    expect(await failure(signInWithRoblox(request.agent(appWithAccount()), { emulator: emu() }))).toMatchObject({ step: 'authorize', responseStatus: 503 });
    emu().failNext('authorize', { hang: true });
    const started = Date.now();
    const err = await failure(signInWithRoblox(request.agent(appWithAccount()), { emulator: emu(), timeout: 300 }));
    expect(err).toMatchObject({ step: 'authorize', responseStatus: 0 });
    expect(err.message).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('step consent: no such user on the consent page', async () => {
    const err = await failure(signInWithRoblox(request.agent(appWithAccount()), { emulator: emu(), user: '999' }));
    expect(err).toMatchObject({ step: 'consent', responseStatus: 200 });
    expect(err.message).toContain('"999"');
    expect(emu().autoApprove).toBe(true);
  });

  it('step callback: the app refuses the login (failureRedirect), with the code and state never in the error', async () => {
    const agent = recording(request.agent(appWithAccount({ verify: async () => false })));
    const err = await failure(signInWithRoblox(agent, { emulator: emu(), failureRedirect: '/login-failed' }));
    expect(err).toMatchObject({ step: 'callback', responseStatus: 302 });
    expect(agent.paths.some((p) => p.includes('code='))).toBe(true);
    expectNoSecrets(err, agent.paths);
  });

  it('step callback: the app answers an error', async () => {
    const agent = recording(request.agent(appWithAccount({ verify: async () => { throw new Error('database down'); } })));
    const err = await failure(signInWithRoblox(agent, { emulator: emu() }));
    expect(err).toMatchObject({ step: 'callback', responseStatus: 500 });
    expect(err.message).not.toContain('database');
    expectNoSecrets(err, agent.paths);
  });

  it('refuses a call without an emulator or with one that is not a URL', async () => {
    const err = await failure(signInWithRoblox(request.agent(appWithAccount()), {} as never));
    expect(err.message).toContain('emulator option');
    const bad = await failure(signInWithRoblox(request.agent(appWithAccount()), { emulator: 'not a url' }));
    expect(bad).toMatchObject({ step: 'login', responseStatus: 0 });
    expect(bad.message).toContain('issuer URL');
  });
});
