import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { RobloxConfigurationError } from '../../src';
import { SessionTransactionStore, pkceChallenge, randomToken } from '../../src/login/state-store';

const fakeReq = (session: Record<string, unknown> | undefined = {}) => ({ session }) as unknown as Request;
const init = { redirectUri: 'https://app.example/cb', scope: ['openid', 'profile'] };
/** A well-formed transaction, created at 5,000 ms. */
const good = { nonce: 'n', codeVerifier: 'v', redirectUri: 'https://app.example/cb', scope: ['openid'], createdAt: 5_000 };
/** Runs `fn` with the clock (Jest's fake Date) at `ms` since the epoch. */
const at = <T>(ms: number, fn: () => T): T => {
  jest.setSystemTime(ms);
  return fn();
};

beforeAll(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'setInterval', 'queueMicrotask'] }));
afterAll(() => jest.useRealTimers());

describe('SessionTransactionStore', () => {
  it('creates a fresh state, nonce and S256 challenge per login, keeping the verifier in the session only', () => {
    const store = new SessionTransactionStore();
    const req = fakeReq();
    const a = store.begin(req, init);
    const b = store.begin(req, init);
    for (const v of [a.state, a.nonce, a.transaction.codeVerifier]) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([a.state, b.state, a.nonce, b.nonce, a.transaction.codeVerifier, b.transaction.codeVerifier]).size).toBe(6);
    expect(a.codeChallenge).toBe(createHash('sha256').update(a.transaction.codeVerifier).digest('base64url'));
    expect(a.codeChallenge).not.toBe(a.transaction.codeVerifier);
    const stored = (req as unknown as { session: Record<string, Record<string, unknown>> }).session['roblox:oidc'];
    expect(Object.keys(stored ?? {})).toEqual([a.state, b.state]);
  });

  it('finds a transaction once: the second take with the same state is unknown (replay)', () => {
    const store = new SessionTransactionStore();
    const req = fakeReq();
    const { state, nonce } = store.begin(req, { ...init, returnTo: '/x' });
    const first = store.take(req, state);
    expect(first).toEqual({ transaction: expect.objectContaining({ nonce, redirectUri: init.redirectUri, scope: init.scope, returnTo: '/x' }) });
    expect(store.take(req, state)).toEqual({ problem: 'unknown' });
    expect((req as unknown as { session: Record<string, unknown> }).session['roblox:oidc']).toBeUndefined();
  });

  it('keeps logins of several tabs apart and finishes them in any order', () => {
    const store = new SessionTransactionStore();
    const req = fakeReq();
    const one = store.begin(req, init);
    const two = store.begin(req, init);
    expect(store.take(req, two.state)).toEqual({ transaction: expect.objectContaining({ nonce: two.nonce }) });
    expect(store.take(req, one.state)).toEqual({ transaction: expect.objectContaining({ nonce: one.nonce }) });
  });

  it('refuses missing, malformed, foreign and expired states', () => {
    const store = new SessionTransactionStore({ ttl: 1000 });
    const req = fakeReq();
    const { state } = at(10_000, () => store.begin(req, init));
    expect(at(10_500, () => store.take(req, undefined))).toEqual({ problem: 'missing' });
    expect(at(10_500, () => store.take(req, ''))).toEqual({ problem: 'missing' });
    expect(at(10_500, () => store.take(req, ['a', 'b']))).toEqual({ problem: 'missing' });
    expect(at(10_500, () => store.take(req, '__proto__'))).toEqual({ problem: 'unknown' });
    expect(at(10_500, () => store.take(req, 'constructor'))).toEqual({ problem: 'unknown' });
    expect(at(10_500, () => store.take(req, randomToken()))).toEqual({ problem: 'unknown' });
    expect(at(11_000, () => store.take(req, state))).toEqual({ problem: 'expired' });
    expect(at(11_000, () => store.take(req, state))).toEqual({ problem: 'unknown' });
  });

  it('is bounded: beyond max pending logins the oldest is evicted', () => {
    const store = new SessionTransactionStore({ max: 3 });
    const req = fakeReq();
    const states = [1, 2, 3, 4].map((i) => at(1000 + i, () => store.begin(req, init)).state);
    expect(Object.keys(at(2000, () => store.pending(req)))).toEqual(states.slice(1));
    expect(at(2000, () => store.take(req, states[0]))).toEqual({ problem: 'unknown' });
    expect('transaction' in at(2000, () => store.take(req, states[3]))).toBe(true);
  });

  it('drops expired and malformed entries from the session when writing', () => {
    const store = new SessionTransactionStore({ ttl: 1000 });
    const bogus = { [randomToken()]: { nonce: 1 }, short: { nonce: 'n' } };
    const req = fakeReq({ 'roblox:oidc': bogus });
    at(0, () => store.begin(req, init));
    const fresh = at(5000, () => store.begin(req, init));
    expect(Object.keys(at(5000, () => store.pending(req)))).toEqual([fresh.state]);
    expect(Object.keys((req as unknown as { session: Record<string, object> }).session['roblox:oidc'] ?? {})).toEqual([fresh.state]);
  });

  it('puts pending logins back into a regenerated session, newest kept', () => {
    const store = new SessionTransactionStore({ max: 2 });
    const old = fakeReq();
    const a = at(1, () => store.begin(old, init));
    const b = at(2, () => store.begin(old, init));
    const pending = at(3, () => store.pending(old));
    const regenerated = fakeReq();
    const c = at(3, () => store.begin(regenerated, init));
    at(4, () => store.restore(regenerated, pending));
    expect(Object.keys(at(4, () => store.pending(regenerated)))).toEqual([b.state, c.state]);
    expect(at(4, () => store.take(regenerated, a.state))).toEqual({ problem: 'unknown' });
  });

  it('uses the configured session key and needs a session', () => {
    const store = new SessionTransactionStore({ key: 'custom' });
    const req = fakeReq();
    store.begin(req, init);
    expect(Object.keys((req as unknown as { session: object }).session)).toEqual(['custom']);
    const sessionless = {} as Request;
    expect(() => store.begin(sessionless, init)).toThrow(RobloxConfigurationError);
    expect(() => store.take(sessionless, randomToken())).toThrow(/session middleware/);
  });

  it('treats every malformed transaction under a well-formed state as unknown, and drops it', () => {
    const store = new SessionTransactionStore();
    const broken: Array<Record<string, unknown>> = [
      { ...good, nonce: 1 }, { ...good, codeVerifier: undefined }, { ...good, redirectUri: null }, { ...good, scope: 'openid' },
      { ...good, createdAt: '5000' }, { ...good, returnTo: 7 }, [good] as never, 'tx' as never,
    ];
    for (const tx of broken) {
      const state = randomToken();
      const req = fakeReq({ 'roblox:oidc': { [state]: tx } });
      expect(at(5_500, () => store.pending(req))).toEqual({});
      expect(at(5_500, () => store.take(req, state))).toEqual({ problem: 'unknown' });
    }
    const state = randomToken();
    const req = fakeReq({ 'roblox:oidc': { [state]: { ...good, returnTo: '/x' } } });
    expect(Object.keys(at(5_500, () => store.pending(req)))).toEqual([state]);
  });

  it('drops a state key with anything before or after its base64url characters, and refuses such a state', () => {
    const store = new SessionTransactionStore();
    for (const state of [`.${randomToken()}`, `${randomToken()}.`, `${randomToken()}\n`, `x${'A'.repeat(128)}`]) {
      const req = fakeReq({ 'roblox:oidc': { [state]: good } });
      expect(at(5_500, () => store.pending(req))).toEqual({});
      expect(at(5_500, () => store.take(req, state))).toEqual({ problem: 'unknown' });
    }
  });

  it('keeps a transaction until exactly ttl, and one dated at most a minute ahead (clock skew between instances)', () => {
    const store = new SessionTransactionStore({ ttl: 1000 });
    const tx = (createdAt: number) => ({ nonce: 'n', codeVerifier: 'v', redirectUri: 'https://app.example/cb', scope: [], createdAt });
    const [atTtl, justBefore, skewed, tooFar] = [randomToken(), randomToken(), randomToken(), randomToken()];
    const req = fakeReq({ 'roblox:oidc': { [atTtl]: tx(9_000), [justBefore]: tx(9_001), [skewed]: tx(70_000), [tooFar]: tx(70_001) } });
    expect(Object.keys(at(10_000, () => store.pending(req))).sort()).toEqual([justBefore, skewed].sort());
  });

  it('orders pending logins oldest first, whatever order the session holds them in, and restores in that order', () => {
    const store = new SessionTransactionStore({ max: 2 });
    const tx = (createdAt: number) => ({ nonce: 'n', codeVerifier: 'v', redirectUri: 'https://app.example/cb', scope: [], createdAt });
    const [a, b, c] = [randomToken(), randomToken(), randomToken()];
    const req = fakeReq({ 'roblox:oidc': { [c]: tx(3), [a]: tx(1), [b]: tx(2) } });
    expect(Object.keys(at(10, () => store.pending(req)))).toEqual([a, b, c]);
    const regenerated = fakeReq();
    at(10, () => store.restore(regenerated, { [c]: tx(3), [a]: tx(1), [b]: tx(2) }));
    // The newest two are kept, oldest first.
    expect(Object.keys((regenerated as unknown as { session: Record<string, object> }).session['roblox:oidc'] ?? {})).toEqual([b, c]);
  });

  it('removes its session key when nothing is pending, rather than leaving an empty object', () => {
    const store = new SessionTransactionStore({ ttl: 1000 });
    const expired = randomToken();
    const req = fakeReq({ 'roblox:oidc': { [expired]: { nonce: 'n', codeVerifier: 'v', redirectUri: 'r', scope: [], createdAt: 0 } } });
    at(5_000, () => store.restore(req, {}));
    expect(Object.keys((req as unknown as { session: object }).session)).toEqual([]);
  });

  it('stores no returnTo key for a login without one', () => {
    const store = new SessionTransactionStore();
    expect(Object.keys(store.begin(fakeReq(), init).transaction)).not.toContain('returnTo');
  });

  it('computes the RFC 7636 appendix B challenge', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});
