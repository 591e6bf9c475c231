import type { Request } from 'express';
import { MemoryTokenStore, RobloxConfigurationError, type TokenSet } from '../../src';
import { prefersText } from '../../src/fastify';
import { cookieSessionKind, sessionOf } from '../../src/tokens/session';

const tokens = (n: number): TokenSet => ({ accessToken: `at-${n}`, tokenType: 'Bearer', scope: ['openid'], expiresAt: Date.now() + 60_000 });
const reqOf = (value: object) => value as unknown as Request;

describe('MemoryTokenStore', () => {
  it('keys token sets by req.user.id (string or number) and forgets them on delete', () => {
    const store = new MemoryTokenStore();
    store.set(reqOf({ user: { id: 'a' } }), tokens(1));
    store.set(reqOf({ user: { id: 7 } }), tokens(2));
    expect(store.get(reqOf({ user: { id: 'a' } }))?.accessToken).toBe('at-1');
    expect(store.get(reqOf({ user: { id: '7' } }))?.accessToken).toBe('at-2');
    expect(store.get(reqOf({}))).toBeUndefined();
    store.delete(reqOf({ user: { id: 'a' } }));
    expect(store.size).toBe(1);
  });

  it('refuses to store without a key, and checks its options', () => {
    expect(() => new MemoryTokenStore().set(reqOf({}), tokens(1))).toThrow(/found no key for this request/);
    expect(() => new MemoryTokenStore({ maxEntries: 0 })).toThrow(RobloxConfigurationError);
    expect(() => new MemoryTokenStore({ key: 'id' as never })).toThrow(/key option must be a function/);
  });

  it('evicts the least recently written set beyond maxEntries', () => {
    const store = new MemoryTokenStore({ maxEntries: 2, key: (req) => (req as unknown as { k: string }).k });
    store.set(reqOf({ k: 'a' }), tokens(1));
    store.set(reqOf({ k: 'b' }), tokens(2));
    store.set(reqOf({ k: 'a' }), tokens(3));
    store.set(reqOf({ k: 'c' }), tokens(4));
    expect(store.get(reqOf({ k: 'b' }))).toBeUndefined();
    expect(store.get(reqOf({ k: 'a' }))?.accessToken).toBe('at-3');
  });
});

describe('prefersText (Fastify content negotiation, as Express req.accepts)', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', false],
    ['text/plain', true],
    ['text/*', true],
    ['text/html', false],
    ['text/plain;q=0.5, application/json', false],
    ['application/json;q=0.2, text/plain', true],
    ['text/plain;q=0', false],
  ])('%p → %p', (accept, text) => expect(prefersText(accept)).toBe(text));
});

describe('sessionOf with get/set sessions', () => {
  it('reads, writes and deletes through get/set, as @fastify/secure-session needs', () => {
    const data: Record<string, unknown> = { a: 1 };
    const session = {
      changed: false,
      deleted: false,
      get: (k: string) => data[k],
      set: (k: string, v: unknown) => { session.changed = true; if (v === undefined) delete data[k]; else data[k] = v; },
      data: () => ({ ...data }),
    };
    const view = sessionOf(reqOf({ session }))!;
    expect(view.a).toBe(1);
    view.b = 2;
    delete view.a;
    expect(data).toEqual({ b: 2 });
    expect(session.changed).toBe(true);
    expect(sessionOf(reqOf({ session }))).toBe(view);
    expect(cookieSessionKind(reqOf({ session }))).toBe('secure-session');
    expect(cookieSessionKind(reqOf({ session: {} }))).toBeUndefined();
  });
});
