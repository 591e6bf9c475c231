// Issue 11: a guard or custom callback that never calls req.logIn (NestJS's plain AuthGuard('roblox'), a custom
// passport.authenticate callback issuing its own token) drops the login's tokens: that must fail loudly, with the
// fix named, instead of looking like a working login. A callback that does call req.logIn stores them.
import request from 'supertest';
import type { Express } from 'express';
import { createTestApp, type TestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';

const emu = useEmulator();

/**
 * Records our warnings through a spy in place of process.emitWarning (Jest's sandboxed process does not deliver
 * 'warning' events to listeners in the test); other warnings are dropped while it is in place.
 */
function captureWarnings(): { codes: string[]; messages: string[]; stop(): void } {
  const codes: string[] = [];
  const messages: string[] = [];
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error, options?: { code?: string }) => {
    if (options?.code === 'ROBLOX_LOGIN_NOT_PERSISTED') {
      codes.push(options.code);
      messages.push(String(warning));
    }
  }) as typeof process.emitWarning);
  return { codes, messages, stop: () => spy.mockRestore() };
}

/** The app with a custom-callback route; `logIn`: whether the callback calls req.logIn. */
function appWithCustomCallback(logIn: boolean, tokenStore?: false): TestApp {
  return createTestApp({
    emulator: emu(),
    ...(tokenStore === false ? { strategyOptions: { tokenStore: false } } : {}),
    routes: (app: Express, { passport }) => {
      app.get('/custom-callback', (req, res, next) => {
        passport.authenticate('roblox', (err: unknown, user: Express.User | false) => {
          if (err || !user) return next(err ?? new Error('no user'));
          if (!logIn) return res.json({ user });                   // e.g. an API issuing its own token
          req.logIn(user, (e) => (e ? next(e) : res.json({ user })));
        })(req, res, next);
      });
    },
  });
}

/** A full login whose callback lands on the custom route. */
async function loginThroughCustomCallback(agent: Agent): Promise<number> {
  const { callbackURL } = await login(agent, emu(), { finish: false });
  const res = await agent.get(`/custom-callback${callbackURL.search}`);
  await new Promise((r) => setImmediate(r));                  // the response's 'finish' may follow the client's read
  return res.status;
}

describe('a login whose request never calls req.logIn', () => {
  it('emits a warning naming the fix (once per strategy), and nothing pretends the user is signed in', async () => {
    const warnings = captureWarnings();
    try {
      const app = appWithCustomCallback(false);
      const agent = request.agent(app);
      expect(await loginThroughCustomCallback(agent)).toBe(200);
      expect(warnings.codes).toEqual(['ROBLOX_LOGIN_NOT_PERSISTED']);
      expect(warnings.messages[0]).toMatch(/nothing called req\.logIn, so its tokens were not stored/);
      expect(warnings.messages[0]).toMatch(/super\.logIn\(request\)/);
      // Each fix it names: the NestJS guard, the custom callback, and tokenStore: false.
      expect(warnings.messages[0]).toContain("a plain AuthGuard('roblox') does not");
      expect(warnings.messages[0]).toContain('call req.logIn(user, done)');
      expect(warnings.messages[0]).toContain('or set tokenStore: false if you keep the tokens from the verify callback yourself');
      const me = (await agent.get('/me').expect(200)).body;
      expect(me.authenticated).toBe(false);
      expect(me.session.robloxTokens).toBeUndefined();
      // A second such login: no second warning from the same strategy.
      expect(await loginThroughCustomCallback(request.agent(app))).toBe(200);
      expect(warnings.codes).toHaveLength(1);
    } finally {
      warnings.stop();
    }
  });

  it('a custom callback that calls req.logIn stores the tokens and warns of nothing', async () => {
    const warnings = captureWarnings();
    try {
      const agent = request.agent(appWithCustomCallback(true));
      expect(await loginThroughCustomCallback(agent)).toBe(200);
      const me = (await agent.get('/me').expect(200)).body;
      expect(me.authenticated).toBe(true);
      expect(me.session.robloxTokens.accessToken).toEqual(expect.any(String));
      expect(warnings.codes).toEqual([]);
    } finally {
      warnings.stop();
    }
  });

  it('with tokenStore: false (the app keeps the tokens from the verify callback) nothing is said', async () => {
    const warnings = captureWarnings();
    try {
      expect(await loginThroughCustomCallback(request.agent(appWithCustomCallback(false, false)))).toBe(200);
      expect(warnings.codes).toEqual([]);
    } finally {
      warnings.stop();
    }
  });
});
