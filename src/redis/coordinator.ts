import { randomBytes } from 'node:crypto';
import { RobloxCoordinationError, RobloxIdTokenError, RobloxOAuthError } from '../errors';
import {
  InProcessRefreshCoordinator, isAuthFailure, REFRESH_MEMORY_MS, type RefreshCoordinator,
} from '../tokens/refresh-coordinator';
import type { Settled } from '../tokens/single-flight';
import { isTokenSet, type TokenSet } from '../tokens/token-set';
import { redisOps, type RedisOps } from './client';
import { Sealer } from './sealed';
import { redisOptionChecks } from './options';

/**
 * Options of {@link createRedisRefreshCoordinator}.
 *
 * @example
 * ```ts
 * const options: RedisRefreshCoordinatorOptions = { redis, secret: process.env.ROBLOX_REDIS_SECRET!, prefix: 'myapp:roblox:' };
 * ```
 */
export interface RedisRefreshCoordinatorOptions {
  /** A connected node-redis (v4, v5) or ioredis client. A second connection is opened from it for pub/sub. */
  redis: unknown;
  /**
   * At least 32 characters (or bytes), the same on every instance: Redis keys are HMACs under it and outcomes
   * are sealed with it (AES-256-GCM). Rotating it forgets outcomes in flight (at most one refresh each).
   */
  secret: string | Buffer;
  /** Prefix of every key and channel (default `'roblox:refresh:'`). */
  prefix?: string;
  /**
   * How long a redemption lock lives (ms). Above the client `timeout` (default 10 s) so that a slow refresh
   * never lets a second one start; a holder that dies is replaced once it expires. Default 15 000.
   */
  lockTtlMs?: number;
  /** How long a finished refresh is kept for the instances that still hold the old token (ms, ≥ 60 000). */
  outcomeTtlMs?: number;
  /** How long a request waits for another instance's refresh before a 503 (ms). Default 2 × `lockTtlMs`. */
  waitMs?: number;
  /** How often a waiting request looks again when no notification came (ms). Default 250. */
  pollMs?: number;
  /** Timeout of every Redis command (ms). Default 2 000. */
  commandTimeoutMs?: number;
}

/** What a finished refresh left for the other instances. */
type Outcome = { ok: true; tokens: TokenSet } | { ok: false; kind: 'invalid_grant' | 'id_token' };

/**
 * Coordinates refreshes across processes and servers through Redis: exactly one instance redeems a given
 * refresh token; the others wait (woken by pub/sub, polling only as a fallback) and adopt its outcome without
 * calling Roblox. Within one process, requests also share one flight and a 60-second memory, as with the
 * default coordinator, so that a fresh token costs no Redis command at all.
 *
 * Guarantees: the lock is keyed by an HMAC of the token (never the token), expires above the client timeout and
 * is released only by its holder; outcomes are sealed with AES-256-GCM under `secret` and kept at least 60 s;
 * Redis unreachable is a {@link RobloxCoordinationError} (503) with nothing sent to Roblox and the stored tokens
 * kept: there is no silent fallback to an uncoordinated refresh.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisRefreshCoordinator } from 'passport-roblox-oidc/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const refreshCoordinator = createRedisRefreshCoordinator({ redis, secret: process.env.ROBLOX_REDIS_SECRET! });
 * passport.use(new RobloxStrategy({ clientID, clientSecret, callbackURL, refreshCoordinator }, verify));
 * ```
 */
export function createRedisRefreshCoordinator(options: RedisRefreshCoordinatorOptions): RedisRefreshCoordinator {
  return new RedisRefreshCoordinator(options);
}

/** The coordinator {@link createRedisRefreshCoordinator} returns. Call `close()` on shutdown. */
export class RedisRefreshCoordinator implements RefreshCoordinator {
  private readonly local = new InProcessRefreshCoordinator();
  private readonly ops: RedisOps;
  private readonly sealer: Sealer;
  private readonly prefix: string;
  private readonly lockTtlMs: number;
  private readonly outcomeTtlMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly waiters = new Map<string, Set<() => void>>();
  private subscription: Promise<{ close(): Promise<void> }> | undefined;
  private closed = false;

  constructor(options: RedisRefreshCoordinatorOptions) {
    const owner = 'createRedisRefreshCoordinator';
    const check = redisOptionChecks(owner);
    check.object(options);
    check.secret(options.secret);
    const prefix = check.prefix(options.prefix, 'roblox:refresh:');
    const ms = check.ms;
    const commandTimeoutMs = ms('commandTimeoutMs', options.commandTimeoutMs, 2_000, 1);
    this.ops = redisOps(options.redis, owner, commandTimeoutMs);
    this.sealer = new Sealer(options.secret);
    this.prefix = prefix;
    this.lockTtlMs = ms('lockTtlMs', options.lockTtlMs, 15_000, 1_000);
    this.outcomeTtlMs = ms('outcomeTtlMs', options.outcomeTtlMs, REFRESH_MEMORY_MS, REFRESH_MEMORY_MS);
    this.waitMs = ms('waitMs', options.waitMs, 2 * this.lockTtlMs, 100);
    this.pollMs = ms('pollMs', options.pollMs, 250, 10);
  }

  redeem(key: string, redeem: () => Promise<TokenSet>): Promise<TokenSet> {
    // One flight per process first: the requests of this instance share one trip to Redis.
    return this.local.redeem(key, () => this.shared(key, redeem));
  }

  recall(key: string): Settled<TokenSet> | undefined {
    return this.local.recall(key);
  }

  pending(key: string): Promise<TokenSet> | undefined {
    return this.local.pending(key);
  }

  isEmpty(): boolean {
    return this.local.isEmpty();
  }

  forget(match: (tokens: TokenSet) => boolean): void {
    this.local.forget(match);
  }

  /**
   * The TokenSet a redemption of `key` produced on any instance, waiting (at most `waitMs`) for one that is
   * running; undefined when none is known or it ended the grant. Rejects with RobloxCoordinationError when
   * Redis cannot be read.
   */
  async settled(key: string): Promise<TokenSet | undefined> {
    const running = this.local.pending(key);
    if (running) return running.catch(() => undefined);
    const known = this.local.recall(key);
    if (known) return known.ok ? known.value : undefined;
    const { name, lockKey, outcomeKey, deadline } = this.begin(key);
    for (;;) {
      const outcome = await this.readOutcome(outcomeKey);
      if (outcome) return outcome.ok ? outcome.tokens : undefined;
      if ((await this.ops.get(lockKey)) === null || Date.now() >= deadline) return undefined;
      await this.waitFor(name, Math.min(this.pollMs, Math.max(1, deadline - Date.now())));
    }
  }

  /** Closes the pub/sub connection (the client passed in stays open: it is yours). */
  async close(): Promise<void> {
    this.closed = true;
    const sub = this.subscription;
    this.subscription = undefined;
    if (sub) await (await sub.catch(() => undefined))?.close();
  }

  private get channel(): string {
    return `${this.prefix}done`;
  }

  /**
   * The Redis names of a redemption and the deadline of waiting for it; subscribes first, so that an outcome
   * published between the caller's first look and its wait is not missed.
   */
  private begin(key: string): { name: string; lockKey: string; outcomeKey: string; deadline: number } {
    const name = this.sealer.name(key);
    this.ensureSubscribed();
    return { name, lockKey: `${this.prefix}lock:${name}`, outcomeKey: `${this.prefix}outcome:${name}`, deadline: Date.now() + this.waitMs };
  }

  private async shared(key: string, redeem: () => Promise<TokenSet>): Promise<TokenSet> {
    const { name, lockKey, outcomeKey, deadline } = this.begin(key);
    for (;;) {
      const known = await this.readOutcome(outcomeKey);
      if (known) return adopt(known);
      const holder = randomBytes(16).toString('base64url');
      if (await this.ops.setIfAbsent(lockKey, holder, this.lockTtlMs)) {
        let keepLock = false;
        try {
          // A holder may have finished between our look and our lock.
          const late = await this.readOutcome(outcomeKey);
          if (late) return adopt(late);
          const done = await this.redeemAndPublish(redeem, outcomeKey, name, lockKey, holder);
          keepLock = done.publishing;
          return done.result();
        } finally {
          if (!keepLock) await this.ops.deleteIfEquals(lockKey, holder).catch(() => undefined);
        }
      }
      if (Date.now() >= deadline) {
        throw new RobloxCoordinationError('Another instance is refreshing these tokens and did not finish in time; the tokens were kept');
      }
      await this.waitFor(name, Math.min(this.pollMs, Math.max(1, deadline - Date.now())));
    }
  }

  /**
   * Redeems, then publishes the outcome for the other instances. When Redis cannot take the outcome (a restart,
   * a network blip), the lock is kept and the outcome written again in the background until Redis takes it (for
   * at most the outcome's lifetime): the other instances keep waiting and adopt it once it lands, instead of
   * redeeming the spent token again (which Roblox refuses, and which may revoke the grant).
   */
  private async redeemAndPublish(
    redeem: () => Promise<TokenSet>, outcomeKey: string, name: string, lockKey: string, holder: string,
  ): Promise<{ publishing: boolean; result: () => TokenSet }> {
    let outcome: Outcome;
    let result: TokenSet | undefined;
    let failure: unknown;
    try {
      result = await redeem();
      outcome = { ok: true, tokens: result };
    } catch (err) {
      // Outages and malformed answers publish nothing: the next holder tries again (a rescued refresh token is
      // kept by the store of the request that got it). Only "the grant is gone" is shared.
      if (!isAuthFailure(err)) throw err;
      failure = err;
      outcome = { ok: false, kind: err instanceof RobloxIdTokenError ? 'id_token' : 'invalid_grant' };
    }
    const sealed = this.sealer.seal(JSON.stringify(outcome), outcomeKey);
    // Publishing must not cost the caller the new tokens: Roblox has already rotated them.
    const published = await this.publish(outcomeKey, sealed, name);
    if (!published) void this.republish(outcomeKey, sealed, name, lockKey, holder);
    return {
      publishing: !published,
      result: () => {
        if (failure !== undefined) throw failure;
        return result as TokenSet;
      },
    };
  }

  private async publish(outcomeKey: string, sealed: string, name: string): Promise<boolean> {
    try {
      await this.ops.set(outcomeKey, sealed, this.outcomeTtlMs);
    } catch {
      return false;
    }
    // The outcome is stored: waiters that miss the message find it at their next look.
    await this.ops.publish(this.channel, name).catch(() => undefined);
    return true;
  }

  private async republish(outcomeKey: string, sealed: string, name: string, lockKey: string, holder: string): Promise<void> {
    const until = Date.now() + this.outcomeTtlMs;
    let published = false;
    while (!published && !this.closed && Date.now() < until) {
      await new Promise((r) => setTimeout(r, this.pollMs));
      published = await this.publish(outcomeKey, sealed, name);
    }
    await this.ops.deleteIfEquals(lockKey, holder).catch(() => undefined);
  }

  private async readOutcome(outcomeKey: string): Promise<Outcome | undefined> {
    const sealed = await this.ops.get(outcomeKey);
    if (sealed === null) return undefined;
    const plain = this.sealer.open(sealed, outcomeKey);
    const parsed = plain === undefined ? undefined : parseOutcome(plain);
    if (!parsed) {
      throw new RobloxCoordinationError('A refresh outcome in Redis could not be opened: every instance must use the same secret and prefix');
    }
    return parsed;
  }

  private ensureSubscribed(): void {
    if (this.subscription || this.closed) return;
    const started = this.ops.subscribe(this.channel, (name) => this.wake(name));
    started.catch(() => {
      // Waiters poll until a later request subscribes again.
      if (this.subscription === started) this.subscription = undefined;
    });
    this.subscription = started;
  }

  private wake(name: string): void {
    const set = this.waiters.get(name);
    if (!set) return;
    this.waiters.delete(name);
    for (const resolve of set) resolve();
  }

  private waitFor(name: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let set = this.waiters.get(name);
      if (!set) {
        set = new Set();
        this.waiters.set(name, set);
      }
      const done = () => {
        clearTimeout(timer);
        const current = this.waiters.get(name);
        current?.delete(done);
        if (current && current.size === 0) this.waiters.delete(name);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }
}

function adopt(outcome: Outcome): TokenSet {
  if (outcome.ok) return outcome.tokens;
  // The same classes the redeeming instance saw, in our words: the grant is gone, sign in again.
  if (outcome.kind === 'id_token') throw new RobloxIdTokenError('ID token rejected: another instance refused the refreshed ID token');
  throw new RobloxOAuthError('invalid_grant', 'another instance found the refresh token refused', 0);
}

function parseOutcome(plain: string): Outcome | undefined {
  try {
    const value = JSON.parse(plain) as { ok?: unknown; tokens?: unknown; kind?: unknown };
    if (value.ok === true && isTokenSet(value.tokens)) return { ok: true, tokens: value.tokens };
    if (value.ok === false && (value.kind === 'invalid_grant' || value.kind === 'id_token')) return { ok: false, kind: value.kind };
  } catch {
    return undefined;
  }
  return undefined;
}
