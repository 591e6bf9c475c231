import { SingleFlight } from '../../src/tokens/single-flight';
import { latestTokens, tokenKey } from '../../src/middleware/caches';
import type { TokenSet } from '../../src/tokens/token-set';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  let now = 1_000_000;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000_000;
  });

  it('runs one call for concurrent callers of the same key and gives all of them its result', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock });
    const d = deferred<string>();
    const fn = jest.fn(() => d.promise);
    const calls = Array.from({ length: 50 }, () => flights.run('k', fn));
    d.resolve('new');
    await expect(Promise.all(calls)).resolves.toEqual(Array(50).fill('new'));
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs separate calls for different keys', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock });
    const fn = jest.fn(async () => 'v');
    await Promise.all([flights.run('a', fn), flights.run('b', fn)]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('remembers a success for the ttl, then forgets it', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock });
    const fn = jest.fn(async () => 'v');
    await flights.run('k', fn);
    expect(flights.recall('k')).toEqual({ ok: true, value: 'v' });
    await expect(flights.run('k', fn)).resolves.toBe('v');
    expect(fn).toHaveBeenCalledTimes(1);
    now += 60_000;
    expect(flights.recall('k')).toBeUndefined();
    await flights.run('k', fn);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('honours an explicit expiry computed from the value', async () => {
    const flights = new SingleFlight<number>({ ttl: 0, maxEntries: 10, now: clock });
    await flights.run('k', async () => now + 500, (expiresAt) => expiresAt);
    expect(flights.recall('k')?.ok).toBe(true);
    now += 500;
    expect(flights.recall('k')).toBeUndefined();
  });

  it('does not remember an outcome whose expiry already passed', async () => {
    const flights = new SingleFlight<number>({ ttl: 0, maxEntries: 10, now: clock });
    await flights.run('k', async () => 1, () => now - 1);
    expect(flights.size).toBe(0);
  });

  it('shares a failure with concurrent callers but forgets it, so the next call retries', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock });
    const d = deferred<string>();
    const fn = jest.fn(() => d.promise);
    const a = flights.run('k', fn);
    const b = flights.run('k', fn);
    d.reject(new Error('outage'));
    await expect(a).rejects.toThrow('outage');
    await expect(b).rejects.toThrow('outage');
    expect(flights.recall('k')).toBeUndefined();
    expect(flights.pending('k')).toBeUndefined();
    await expect(flights.run('k', async () => 'ok')).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('remembers failures that rememberError selects', async () => {
    const gone = new Error('invalid_grant');
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock, rememberError: (e) => e === gone });
    await expect(flights.run('k', async () => Promise.reject(gone))).rejects.toBe(gone);
    const fn = jest.fn(async () => 'never');
    await expect(flights.run('k', fn)).rejects.toBe(gone);
    expect(fn).not.toHaveBeenCalled();
  });

  it('turns a synchronous throw into a rejection', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock });
    await expect(flights.run('k', () => { throw new Error('sync'); })).rejects.toThrow('sync');
  });

  it('is bounded: the oldest entries are dropped first, expired ones before them', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 3, now: clock });
    for (const k of ['a', 'b', 'c', 'd']) await flights.run(k, async () => k);
    expect(flights.size).toBe(3);
    expect(flights.recall('a')).toBeUndefined();
    expect(flights.recall('d')).toEqual({ ok: true, value: 'd' });
    await flights.run('short', async () => 'x', () => now + 10);
    expect(flights.size).toBe(3);
    now += 20;
    await flights.run('e', async () => 'e');
    expect(flights.recall('c')).toEqual({ ok: true, value: 'c' });
    expect(flights.recall('e')).toEqual({ ok: true, value: 'e' });
  });

  it('is empty again once every remembered outcome has expired, dropping them', async () => {
    const flights = new SingleFlight<string>({ ttl: 1_000, maxEntries: 10, now: clock });
    expect(flights.isEmpty()).toBe(true);
    await flights.run('a', async () => 'x');
    now += 500;
    await flights.run('b', async () => 'y');
    expect(flights.isEmpty()).toBe(false);
    now += 600; // 'a' expired, 'b' not
    expect(flights.isEmpty()).toBe(false);
    expect(flights.size).toBe(1);
    now += 500;
    expect(flights.isEmpty()).toBe(true);
    expect(flights.size).toBe(0);
  });

  it('forgets by key or by value', async () => {
    const flights = new SingleFlight<string>({ ttl: 60_000, maxEntries: 10, now: clock });
    await flights.run('a', async () => 'x');
    await flights.run('b', async () => 'y');
    flights.forget('a');
    flights.forget((v) => v === 'y');
    expect(flights.size).toBe(0);
  });
});

describe('tokenKey and latestTokens', () => {
  const set = (n: number): TokenSet => ({ accessToken: `at${n}`, refreshToken: `rt${n}`, tokenType: 'Bearer', scope: ['openid'], expiresAt: 4_000_000_000_000 });

  it('hashes tokens (never the raw token as key)', () => {
    expect(tokenKey('rt0')).not.toContain('rt0');
    expect(tokenKey('rt0')).toBe(tokenKey('rt0'));
    expect(tokenKey('rt0')).not.toBe(tokenKey('rt1'));
  });

  it('follows a chain of remembered refreshes to the newest set', async () => {
    const flights = new SingleFlight<TokenSet>({ ttl: 60_000, maxEntries: 10 });
    await flights.run(tokenKey('rt0'), async () => set(1));
    await flights.run(tokenKey('rt1'), async () => set(2));
    expect(latestTokens(flights, set(0))).toEqual({ tokens: set(2) });
    expect(latestTokens(flights, set(5))).toEqual({ tokens: set(5) });
  });

  it('reports a remembered failure', async () => {
    const gone = new Error('gone');
    const flights = new SingleFlight<TokenSet>({ ttl: 60_000, maxEntries: 10, rememberError: () => true });
    await flights.run(tokenKey('rt0'), async () => set(1));
    await flights.run(tokenKey('rt1'), async () => Promise.reject(gone)).catch(() => undefined);
    expect(latestTokens(flights, set(0))).toEqual({ error: gone });
  });
});
