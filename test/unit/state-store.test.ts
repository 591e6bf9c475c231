import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { RobloxConfigurationError } from '../../src';
import { SessionTransactionStore, pkceChallenge, randomToken } from '../../src/login/state-store';

const fakeReq = (session: Record<string, unknown> | undefined = {}) => ({ session }) as unknown as Request;
const init = { redirectUri: 'https://app.example/cb', scope: ['openid', 'profile'] };

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
    const { state } = store.begin(req, init, 10_000);
    expect(store.take(req, undefined, 10_500)).toEqual({ problem: 'missing' });
    expect(store.take(req, '', 10_500)).toEqual({ problem: 'missing' });
    expect(store.take(req, ['a', 'b'], 10_500)).toEqual({ problem: 'missing' });
    expect(store.take(req, '__proto__', 10_500)).toEqual({ problem: 'unknown' });
    expect(store.take(req, 'constructor', 10_500)).toEqual({ problem: 'unknown' });
    expect(store.take(req, randomToken(), 10_500)).toEqual({ problem: 'unknown' });
    expect(store.take(req, state, 11_000)).toEqual({ problem: 'expired' });
    expect(store.take(req, state, 11_000)).toEqual({ problem: 'unknown' });
  });

  it('is bounded: beyond max pending logins the oldest is evicted', () => {
    const store = new SessionTransactionStore({ max: 3 });
    const req = fakeReq();
    const states = [1, 2, 3, 4].map((i) => store.begin(req, init, 1000 + i).state);
    expect(Object.keys(store.pending(req, 2000))).toEqual(states.slice(1));
    expect(store.take(req, states[0], 2000)).toEqual({ problem: 'unknown' });
    expect('transaction' in store.take(req, states[3], 2000)).toBe(true);
  });

  it('drops expired and malformed entries from the session when writing', () => {
    const store = new SessionTransactionStore({ ttl: 1000 });
    const bogus = { [randomToken()]: { nonce: 1 }, short: { nonce: 'n' } };
    const req = fakeReq({ 'roblox:oidc': bogus });
    store.begin(req, init, 0);
    const fresh = store.begin(req, init, 5000);
    expect(Object.keys(store.pending(req, 5000))).toEqual([fresh.state]);
    expect(Object.keys((req as unknown as { session: Record<string, object> }).session['roblox:oidc'] ?? {})).toEqual([fresh.state]);
  });

  it('puts pending logins back into a regenerated session, newest kept', () => {
    const store = new SessionTransactionStore({ max: 2 });
    const old = fakeReq();
    const a = store.begin(old, init, 1);
    const b = store.begin(old, init, 2);
    const pending = store.pending(old, 3);
    const regenerated = fakeReq();
    const c = store.begin(regenerated, init, 3);
    store.restore(regenerated, pending, 4);
    expect(Object.keys(store.pending(regenerated, 4))).toEqual([b.state, c.state]);
    expect(store.take(regenerated, a.state, 4)).toEqual({ problem: 'unknown' });
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

  it('computes the RFC 7636 appendix B challenge', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});
