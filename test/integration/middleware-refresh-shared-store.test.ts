import express, { type Express, type Request } from 'express';
import session from 'express-session';
import request from 'supertest';
import { refreshTokens, type TokenSet, type TokenStore } from '../../src';
import { modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { AFTER_EXPIRY, useTimeTravel } from '../helpers/middleware-clock';
import { emulatorClient, obtainTokens } from '../helpers/middleware-tokens';

// Two processes (cluster workers, containers) keep tokens in one database. Each has its own RobloxClient and
// so its own single flight: here they are two apps in this test process, sharing one store keyed by user.
const { use: useModeEmulator, emu } = modeEmulators();
const travel = useTimeTravel();

/** A database-like TokenStore shared by both "processes"; `holdNextRead` delays a read after it has happened. */
class SharedStore implements TokenStore {
  readonly rows = new Map<string, TokenSet>();
  private readonly held: Array<{ read: () => void; release: Promise<void> }> = [];

  /** The next get() not yet held reads the row, resolves `read`, then waits for `release`: a stale read. */
  holdNextRead(): { read: Promise<void>; release: () => void } {
    let read!: () => void;
    let release!: () => void;
    const readP = new Promise<void>((r) => (read = r));
    const releaseP = new Promise<void>((r) => (release = r));
    this.held.push({ read, release: releaseP });
    return { read: readP, release };
  }

  async get(req: Request): Promise<TokenSet | undefined> {
    const row = this.rows.get(req.get('x-user') as string);
    const held = this.held.shift();
    if (held) {
      held.read();
      await held.release;
    }
    return row;
  }

  set(req: Request, tokens: TokenSet): void {
    this.rows.set(req.get('x-user') as string, tokens);
  }

  delete(req: Request): void {
    this.rows.delete(req.get('x-user') as string);
  }
}

/** One "process": its own RobloxClient, refreshTokens() on the shared store. */
function processWith(store: TokenStore): Express {
  const client = emulatorClient(emu());
  const app = express();
  app.get('/api/tokens', refreshTokens({ client, store }), (req, res) => res.json(req.robloxTokens));
  return app;
}

describe.each(REFRESH_MODES)('refreshTokens() with a store shared by several processes, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  it('uses the set another process stored after this one read the store, instead of signing the user out', async () => {
    const store = new SharedStore();
    const [a, b] = [processWith(store), processWith(store)];
    const original = await obtainTokens(emu(), emulatorClient(emu()));
    store.rows.set('u1', original);
    travel(AFTER_EXPIRY);
    emu().resetCounters();

    // Two requests in B read the expired set, then stall; A refreshes and stores the successor meanwhile.
    const hold = store.holdNextRead();
    const fromB = request(b).get('/api/tokens').set('x-user', 'u1').then((r) => r);
    await hold.read;
    const hold2 = store.holdNextRead();
    const fromB2 = request(b).get('/api/tokens').set('x-user', 'u1').then((r) => r);
    await hold2.read;
    const fromA = await request(a).get('/api/tokens').set('x-user', 'u1').expect(200);
    expect(fromA.body.refreshToken).not.toBe(original.refreshToken);
    expect(store.rows.get('u1')).toEqual(fromA.body);

    // B now sends the dead refresh token, is refused, reads the store again and goes on with A's set.
    hold.release();
    const resB = await fromB;
    expect(resB.status).toBe(200);
    expect(resB.body).toEqual(fromA.body);
    expect(store.rows.get('u1')).toEqual(fromA.body);

    // B's second request finds the refusal remembered for that refresh token, and also reads the store again.
    hold2.release();
    const resB2 = await fromB2;
    expect(resB2.status).toBe(200);
    expect(resB2.body).toEqual(fromA.body);
    expect(store.rows.get('u1')).toEqual(fromA.body);
    expect(emu().counters.token).toBe(2); // A's refresh, B's refused one; the dead token is not sent twice
  });

  it('still signs out and clears the row when the grant is really gone', async () => {
    const store = new SharedStore();
    const original = await obtainTokens(emu(), emulatorClient(emu()));
    store.rows.set('u2', original);
    emu().revokeUser(emu().users[0]!.sub);
    travel(AFTER_EXPIRY);

    const res = await request(processWith(store)).get('/api/tokens').set('x-user', 'u2').expect(401);
    expect(res.body).toMatchObject({ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' });
    expect(store.rows.has('u2')).toBe(false);
  });

  it('remembers a refused refresh token: another row still holding it is signed out without a second call to Roblox', async () => {
    // Two rows saved the same set (e.g. two devices of one user, written before the refusal).
    const store = new SharedStore();
    const original = await obtainTokens(emu(), emulatorClient(emu()));
    store.rows.set('u3', original);
    store.rows.set('u3-other-device', original);
    emu().revokeUser(emu().users[0]!.sub);
    travel(AFTER_EXPIRY);
    emu().resetCounters();
    const app = processWith(store);

    await request(app).get('/api/tokens').set('x-user', 'u3').expect(401);
    const res = await request(app).get('/api/tokens').set('x-user', 'u3-other-device').expect(401);
    expect(res.body).toMatchObject({ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' });
    expect(store.rows.size).toBe(0);
    expect(emu().counters.token).toBe(1);
  });

  it('reads the store once more after a refusal, not again and again', async () => {
    // A store that yields another dead set on every read (a writer gone wrong): one extra look, then sign-in.
    class ShiftingStore extends SharedStore {
      private reads = 0;
      override async get(req: Request): Promise<TokenSet | undefined> {
        const row = await super.get(req);
        this.reads++;
        return row && { ...row, refreshToken: `${row.refreshToken}.${this.reads}` };
      }
    }
    const store = new ShiftingStore();
    store.rows.set('u4', await obtainTokens(emu(), emulatorClient(emu())));
    travel(AFTER_EXPIRY);
    emu().resetCounters();

    const res = await request(processWith(store)).get('/api/tokens').set('x-user', 'u4').expect(401);
    expect(res.body).toMatchObject({ code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' });
    expect(emu().counters.token).toBe(2);
  });

  it('a user signed out elsewhere while this request refreshed: 401, not a crash', async () => {
    const store = new SharedStore();
    const [a, b] = [processWith(store), processWith(store)];
    store.rows.set('u5', await obtainTokens(emu(), emulatorClient(emu())));
    travel(AFTER_EXPIRY);
    emu().resetCounters();

    // B reads the expired set and stalls; A refreshes, then the user signs out (the row is deleted).
    const hold = store.holdNextRead();
    const fromB = request(b).get('/api/tokens').set('x-user', 'u5').then((r) => r);
    await hold.read;
    await request(a).get('/api/tokens').set('x-user', 'u5').expect(200);
    store.rows.delete('u5');

    // B's dead refresh token is refused; the second look finds nothing: sign in again.
    hold.release();
    const resB = await fromB;
    expect(resB.status).toBe(401);
    expect(resB.body).toMatchObject({ code: 'ERR_ROBLOX_SIGN_IN_REQUIRED' });
    expect(store.rows.has('u5')).toBe(false);
    expect(emu().counters.token).toBe(2);
  });

  it('writes nothing for a token that is still fresh', async () => {
    class CountingStore extends SharedStore {
      writes = 0;
      override set(req: Request, tokens: TokenSet): void {
        this.writes++;
        super.set(req, tokens);
      }
    }
    const store = new CountingStore();
    const fresh = await obtainTokens(emu(), emulatorClient(emu()));
    store.rows.set('u6', fresh);
    emu().resetCounters();

    const res = await request(processWith(store)).get('/api/tokens').set('x-user', 'u6').expect(200);
    expect(res.body).toEqual(fresh);
    expect(store.writes).toBe(0);
    expect(emu().counters.token).toBe(0);
  });
});

describe.each(REFRESH_MODES)('refreshTokens() with express-session on a session store shared by several processes, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  /** One "process": its own RobloxClient and express-session on the shared session store; `gate` stalls a request after its session loaded. */
  function sessionProcess(store: session.Store, seed: TokenSet, gate?: { reached: () => void; open: Promise<void> }): Express {
    const client = emulatorClient(emu());
    const app = express();
    app.use(session({ secret: 'shared-secret', resave: false, saveUninitialized: false, store }));
    app.post('/test/seed', (req, res) => {
      (req.session as unknown as { robloxTokens: TokenSet }).robloxTokens = seed;
      res.sendStatus(204);
    });
    if (gate) {
      app.use(async (_req, _res, next) => {
        gate.reached();
        await gate.open;
        next();
      });
    }
    app.get('/api/tokens', refreshTokens({ client }), (req, res) => res.json(req.robloxTokens));
    return app;
  }

  it('reloads the session before signing out: the set another process saved meanwhile is used, not wiped', async () => {
    const store = new session.MemoryStore();
    const original = await obtainTokens(emu(), emulatorClient(emu()));
    let reached!: () => void;
    let open!: () => void;
    const gate = { reached: () => reached(), open: new Promise<void>((r) => (open = r)) };
    const stalled = new Promise<void>((r) => (reached = r));
    const a = sessionProcess(store, original);
    const b = sessionProcess(store, original, gate);
    const cookie = (await request(a).post('/test/seed').expect(204)).headers['set-cookie'] as unknown as string[];
    travel(AFTER_EXPIRY);
    emu().resetCounters();

    // B loads the session (the expired set) and stalls; A refreshes and saves the successor to the store.
    const fromB = request(b).get('/api/tokens').set('Cookie', cookie).then((r) => r);
    await stalled;
    const fromA = await request(a).get('/api/tokens').set('Cookie', cookie).expect(200);
    expect(fromA.body.refreshToken).not.toBe(original.refreshToken);

    // B sends the dead refresh token, is refused, reloads the session and goes on with A's set.
    open();
    const resB = await fromB;
    expect(resB.status).toBe(200);
    expect(resB.body).toEqual(fromA.body);
    expect(emu().counters.token).toBe(2);

    // Nothing was wiped: A still serves the same set from the shared store, without another refresh.
    expect((await request(a).get('/api/tokens').set('Cookie', cookie).expect(200)).body).toEqual(fromA.body);
    expect(emu().counters.token).toBe(2);
  });
});
