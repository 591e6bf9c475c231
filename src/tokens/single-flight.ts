/** How a finished call ended: its value, or the error it failed with (as a refresh coordinator remembers it). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Options of {@link SingleFlight}. */
export interface SingleFlightOptions {
  /** Milliseconds a finished call's outcome is remembered, unless `run` is given an explicit expiry. */
  ttl: number;
  /** At most this many outcomes are remembered; the oldest are dropped first. */
  maxEntries: number;
  /** Failures for which this returns true are remembered too (others are forgotten, so the next call retries). */
  rememberError?: (error: unknown) => boolean;
  /** The clock, in ms since the epoch (tests pass a fake one). */
  now?: () => number;
}

/**
 * Runs at most one call per key at a time and remembers each finished call's outcome for a while, so that
 * concurrent and slightly late callers share one result instead of repeating the call.
 * Keys should be hashes, never raw tokens. Memory is bounded by `maxEntries`; nothing runs on a timer.
 *
 * @example
 * ```ts
 * const flights = new SingleFlight<TokenSet>({ ttl: 60_000, maxEntries: 10_000 });
 * const next = await flights.run(tokenKey(old.refreshToken!), () => client.refresh(old.refreshToken!));
 * ```
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();
  private readonly settled = new Map<string, { outcome: Settled<T>; until: number }>();
  private readonly now: () => number;

  constructor(private readonly options: SingleFlightOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Returns the remembered outcome for `key`, else joins the call in flight, else starts `fn`.
   * `until` (ms since the epoch, computed from the value) overrides the default expiry of a success.
   */
  run(key: string, fn: () => Promise<T>, until?: (value: T) => number): Promise<T> {
    const seen = this.recall(key);
    if (seen) return seen.ok ? Promise.resolve(seen.value) : Promise.reject(seen.error);
    const running = this.inflight.get(key);
    if (running) return running;
    const started = Promise.resolve()
      .then(fn)
      .then(
        (value) => {
          this.remember(key, { ok: true, value }, until ? until(value) : this.now() + this.options.ttl);
          this.inflight.delete(key);
          return value;
        },
        (error: unknown) => {
          if (this.options.rememberError?.(error)) this.remember(key, { ok: false, error }, this.now() + this.options.ttl);
          this.inflight.delete(key);
          throw error;
        },
      );
    this.inflight.set(key, started);
    return started;
  }

  /** The remembered, unexpired outcome of a finished call for `key`, if any. */
  recall(key: string): Settled<T> | undefined {
    const entry = this.settled.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.settled.delete(key);
      return undefined;
    }
    return entry.outcome;
  }

  /** The call in flight for `key`, if any. */
  pending(key: string): Promise<T> | undefined {
    return this.inflight.get(key);
  }

  /** Forgets remembered outcomes: the one for `key`, or every success whose value matches. */
  forget(key: string | ((value: T) => boolean)): void {
    if (typeof key === 'string') {
      this.settled.delete(key);
      return;
    }
    for (const [k, { outcome }] of this.settled) if (outcome.ok && key(outcome.value)) this.settled.delete(k);
  }

  /** How many outcomes are remembered (expired ones included until they are looked up, pruned or evicted). */
  get size(): number {
    return this.settled.size;
  }

  /**
   * Whether no unexpired outcome is remembered. Expired outcomes at the oldest end are dropped on the way, so
   * that one refresh does not keep callers off their fast path forever; O(1) unless something just expired.
   */
  isEmpty(): boolean {
    const now = this.now();
    for (const [key, entry] of this.settled) {
      if (entry.until > now) return false;
      this.settled.delete(key);
    }
    return true;
  }

  private remember(key: string, outcome: Settled<T>, until: number): void {
    if (until <= this.now()) return;
    this.settled.delete(key);
    if (this.settled.size >= this.options.maxEntries) this.evict();
    this.settled.set(key, { outcome, until });
  }

  private evict(): void {
    const now = this.now();
    for (const [k, entry] of this.settled) if (entry.until <= now) this.settled.delete(k);
    while (this.settled.size >= this.options.maxEntries) {
      const oldest = this.settled.keys().next();
      if (oldest.done) break;
      this.settled.delete(oldest.value);
    }
  }
}
