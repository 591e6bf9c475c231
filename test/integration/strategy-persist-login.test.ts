// Issue 14, defects 1, 2 and 5: where the tokens of a login go, and what the session looks like afterwards.
import type { Request } from 'express';
import { MemoryStore } from 'express-session';
import request from 'supertest';
import type { TokenSet, TokenStore } from '../../src';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { authorizeAt, beginLogin, finishLogin, login, sessionIdOf } from '../helpers/login';

const emu = useEmulator();

/** A TokenStore keyed by the signed-in user, as a database-backed one would be. */
function userKeyedStore(): TokenStore & { rows: Map<string, TokenSet> } {
  const rows = new Map<string, TokenSet>();
  const id = (req: Request) => (req.user as { id: string } | undefined)?.id ?? '';
  return {
    rows,
    get: (req) => rows.get(id(req)),
    set: (req, tokens) => void rows.set(id(req), tokens),
    delete: (req) => void rows.delete(id(req)),
  };
}

/** A TokenStore whose writes fail ("database down"); `onSet` runs first (e.g. to break the session store too). */
function failingStore(onSet?: () => void): TokenStore {
  return {
    get: () => undefined,
    set: () => {
      onSet?.();
      return Promise.reject(new Error('database down'));
    },
    delete: () => undefined,
  };
}

describe('defect 1: a login with session: false never puts tokens into a session it did not regenerate', () => {
  it('with the session token store: the login fails loudly with a message naming the fix; the session is untouched', async () => {
    const app = createTestApp({ emulator: emu(), authenticateOptions: { session: false } });
    const agent = request.agent(app);
    await agent.get('/me'); // a session cookie a fixation attacker could have planted
    const { authorizeURL } = await beginLogin(agent);
    const before = await sessionIdOf(agent);
    const res = await finishLogin(agent, await authorizeAt(authorizeURL));
    expect(res.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_CONFIGURATION', message: expect.stringContaining('session: false') })]);
    // What went wrong, why, and each fix: log in through the session, a store keyed by user, or tokenStore: false.
    const message = app.errors[0]?.message ?? '';
    expect(message).toContain('cannot store the Roblox tokens: the login was completed with session: false');
    expect(message).toContain('the session was not regenerated and must not receive tokens');
    expect(message).toContain('Log in through the session (NestJS: PassportModule.register({ session: true })');
    expect(message).toContain('or pass a tokenStore keyed by user');
    expect(message).toContain('set tokenStore: false if you keep the tokens from the verify callback yourself');
    const me = (await agent.get('/me')).body;
    expect(me.sessionID).toBe(before);
    expect(me.session.robloxTokens).toBeUndefined();
    expect(me.authenticated).toBe(false);
  });

  it('with tokenStore: false: the login succeeds, nothing is stored, the verify callback had the tokens', async () => {
    const received: string[] = [];
    const app = createTestApp({
      emulator: emu(),
      authenticateOptions: { session: false },
      strategyOptions: { tokenStore: false },
      verify: async (accessToken: string, _rt: string | undefined, profile: { id: string; displayName: string }) => {
        received.push(accessToken);
        return { id: profile.id, displayName: profile.displayName };
      },
    });
    const agent = request.agent(app);
    const { location } = await login(agent, emu());
    expect(location).toBe('/');
    expect(received).toHaveLength(1);
    expect((await agent.get('/me')).body.session.robloxTokens).toBeUndefined();
  });

  it('with a store keyed by user: the tokens go there and the session stays as it was', async () => {
    const store = userKeyedStore();
    const app = createTestApp({ emulator: emu(), authenticateOptions: { session: false }, strategyOptions: { tokenStore: store } });
    const agent = request.agent(app);
    const { location } = await login(agent, emu());
    expect(location).toBe('/');
    expect([...store.rows.keys()]).toEqual([emu().users[0]?.sub]);
    expect(store.rows.get(emu().users[0]?.sub as string)).toMatchObject({ tokenType: 'Bearer' });
    expect((await agent.get('/me')).body.session.robloxTokens).toBeUndefined();
  });
});

/** A session store whose client throws synchronously (e.g. "the client is closed") once armed: one write or destroy. */
class ThrowingStore extends MemoryStore {
  armed: 'destroy' | 'set' | undefined;
  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    if (this.armed === 'destroy') {
      this.armed = undefined;
      throw new Error('session store client is closed');
    }
    super.destroy(sid, cb);
  }
  override set(sid: string, session: Parameters<MemoryStore['set']>[1], cb?: (err?: unknown) => void): void {
    if (this.armed === 'set') {
      this.armed = undefined;
      throw new Error('session store client is closed');
    }
    super.set(sid, session, cb);
  }
}

describe('defect 2: a TokenStore.set that fails leaves nothing half-done', () => {
  it('the login errors and the user is not signed in (passport had already saved the session)', async () => {
    const failing = failingStore();
    const app = createTestApp({ emulator: emu(), strategyOptions: { tokenStore: failing } });
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    // Ours, not the store's (a store's message may name a database or a connection string).
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_TOKEN_STORE', status: 500 })]);
    expect(app.errors[0]?.message).not.toContain('database down');
    expect(app.errors[0]?.message).toBe('The token store could not save the Roblox tokens of this login; the login was undone');
    // The store's own error stays reachable for the app's logs, as the cause.
    expect(app.errors[0]?.cause).toBe('database down');
    expect(app.errors[0]?.authenticated).toBe(false);
    const me = (await agent.get('/me')).body;
    expect(me.authenticated).toBe(false);
    expect(me.session.passport?.user).toBeUndefined();
    // The logged-in session passport saved is gone from the store too.
    const sessions = await new Promise<Record<string, string>>((resolve) => app.sessionStore.all((_e, all) => resolve((all ?? {}) as unknown as Record<string, string>)));
    expect(Object.values(sessions).map((s) => JSON.stringify(s)).filter((s) => s.includes('"passport":{"user"'))).toEqual([]);
  });
  it('with session: false and a store keyed by user that fails: the login errors, the request forgets the user, the session is neither regenerated nor given the user', async () => {
    const failing = failingStore();
    const app = createTestApp({ emulator: emu(), authenticateOptions: { session: false }, strategyOptions: { tokenStore: failing } });
    const agent = request.agent(app);
    const { authorizeURL } = await beginLogin(agent);
    const before = await sessionIdOf(agent);
    const res = await finishLogin(agent, await authorizeAt(authorizeURL));
    expect(res.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_TOKEN_STORE', cause: 'database down', authenticated: false })]);
    const me = (await agent.get('/me')).body;
    expect(me.sessionID).toBe(before);
    expect(me.authenticated).toBe(false);
    expect(me.session.passport).toBeUndefined();
  });

  it('a session store that throws while Passport regenerates the session at login: its error reaches the app (not a hang, not a cookie-session message), nobody is signed in', async () => {
    const sessionStore = new ThrowingStore();
    const app = createTestApp({ emulator: emu(), sessionStore });
    const agent = request.agent(app);
    const { authorizeURL } = await beginLogin(agent);
    sessionStore.armed = 'destroy';
    const res = await finishLogin(agent, await authorizeAt(authorizeURL));
    expect(res.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ message: 'session store client is closed', authenticated: false })]);
    expect((await agent.get('/me')).body.authenticated).toBe(false);
  });

  it('a TokenStore.set that fails and a session store that then throws while the login is undone (one database behind both): the token store error reaches the app, nobody is signed in', async () => {
    const sessionStore = new ThrowingStore();
    const failing = failingStore(() => { sessionStore.armed = 'set'; });
    const app = createTestApp({ emulator: emu(), sessionStore, strategyOptions: { tokenStore: failing } });
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_TOKEN_STORE', authenticated: false })]);
    expect((await agent.get('/me')).body.authenticated).toBe(false);
  });

  it('a session login with tokenStore: false signs the user in and stores nothing', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { tokenStore: false } });
    const agent = request.agent(app);
    const { location } = await login(agent, emu());
    expect(location).toBe('/');
    const me = (await agent.get('/me')).body;
    expect(me.authenticated).toBe(true);
    expect(me.session.robloxTokens).toBeUndefined();
    expect(app.errors).toEqual([]);
  });

  it('a serializeUser that fails at login (e.g. its database is down): the callback errors, nobody is signed in, no tokens are kept', async () => {
    const app = createTestApp({ emulator: emu(), serializeUser: (_user, done) => done(new Error('users table unavailable')) });
    const agent = request.agent(app);
    const { callback } = await login(agent, emu());
    expect(callback?.status).toBe(500);
    expect(app.errors).toEqual([expect.objectContaining({ message: 'users table unavailable', authenticated: false })]);
    const me = (await agent.get('/me')).body;
    expect(me.authenticated).toBe(false);
    expect(me.session.robloxTokens).toBeUndefined();
  });
});

describe('defect 5: a login started in another tab while a callback runs is kept', () => {
  it('the second tab finishes its login after the first tab\'s callback regenerated the session', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    const first = await beginLogin(agent);
    const firstCallback = await authorizeAt(first.authorizeURL);
    // The first callback loads its session, then waits on the token endpoint ...
    emu().setLatency('token', 400);
    const finishing = finishLogin(agent, firstCallback);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // ... while the second tab starts a login in the same (not yet regenerated) session.
    const second = await beginLogin(agent);
    const secondCallback = await authorizeAt(second.authorizeURL);
    expect((await finishing).headers.location).toBe('/');
    emu().setLatency('token', 0);
    const done = await finishLogin(agent, secondCallback);
    expect(done.headers.location).toBe('/');
    expect((await agent.get('/me')).body.authenticated).toBe(true);
  });

  it('a session removed from the store while the callback runs (a logout in another tab): the pending logins this request loaded are kept', async () => {
    const app = createTestApp({
      emulator: emu(),
      strategyOptions: { passReqToCallback: true },
      verify: (async (req: Request, _at: string, _rt: string | undefined, profile: { id: string; displayName: string }) => {
        await new Promise((resolve) => req.sessionStore.destroy(req.sessionID, resolve));
        return { id: profile.id, displayName: profile.displayName };
      }),
    });
    const agent = request.agent(app);
    const first = await beginLogin(agent);
    const second = await beginLogin(agent);
    const firstCallback = await authorizeAt(first.authorizeURL);
    const secondCallback = await authorizeAt(second.authorizeURL);
    expect((await finishLogin(agent, firstCallback)).headers.location).toBe('/');
    expect((await finishLogin(agent, secondCallback)).headers.location).toBe('/');
    expect((await agent.get('/me')).body.authenticated).toBe(true);
  });
});
