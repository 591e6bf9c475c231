import type { Request } from 'express';
import { RobloxConfigurationError, RobloxCoordinationError } from '../errors';
import { isTokenSet, type TokenSet, type TokenStore } from '../tokens/token-set';
import { userKey } from '../tokens/user-key';
import { redisOps, type RedisOps } from './client';
import { redisOptionChecks } from './options';
import { Sealer } from './sealed';

/** Roblox refresh tokens live 90 days (../shared/roblox: Roblox's docs since 2024-09). */
const REFRESH_TOKEN_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Options of {@link RedisTokenStore}.
 *
 * @example
 * ```ts
 * const options: RedisTokenStoreOptions = { redis, secret: process.env.ROBLOX_REDIS_SECRET!, key: (req) => req.user?.id };
 * ```
 */
export interface RedisTokenStoreOptions {
  /** A connected node-redis (v4, v5) or ioredis client (the same one as the coordinator's is fine). */
  redis: unknown;
  /**
   * At least 32 characters (or bytes), the same on every instance: token sets are sealed with it (AES-256-GCM)
   * and Redis keys are HMACs under it. Another secret cannot open what is stored: rotating it signs users out of
   * Roblox (they sign in again); it never lets a request use or erase tokens it cannot read.
   */
  secret: string | Buffer;
  /**
   * The key of the request's tokens, usually the signed-in user's ID (default: `req.user.id`, a string or number).
   * Undefined means no user: nothing is read, and storing fails with a RobloxConfigurationError. The key is
   * never stored in clear: Redis holds an HMAC of it.
   */
  key?: (req: Request) => string | undefined;
  /** Prefix of every key (default `'roblox:tokens:'`). */
  prefix?: string;
  /**
   * How long a stored set lives after its last write (ms): the refresh token's lifetime, 90 days by default.
   * Each refresh writes the set again, so an active user's tokens never expire here.
   */
  ttlMs?: number;
  /** Timeout of every Redis command (ms). Default 2 000. */
  commandTimeoutMs?: number;
}

// A stored value is `<tag>.<sealed TokenSet>`; the tag is an HMAC of the set's refresh token (else its access
// token), so that a write can name the set it replaces without the token leaving this process.
// KEYS[1] the key; ARGV[1] the tag expected ('' = any); ARGV[2] the new value; ARGV[3] the TTL in ms.
const REPLACE = `local cur = redis.call('GET', KEYS[1])
if ARGV[1] ~= '' and (not cur or string.sub(cur, 1, #ARGV[1] + 1) ~= ARGV[1] .. '.') then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;
// KEYS[1] the key; ARGV[1] the tag of the set to forget.
const FORGET = `local cur = redis.call('GET', KEYS[1])
if cur and string.sub(cur, 1, #ARGV[1] + 1) == ARGV[1] .. '.' then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * A {@link TokenStore} on Redis: tokens live server-side, sealed with AES-256-GCM under `secret`, keyed by an HMAC
 * of the user's key, with the refresh token's lifetime as TTL. Sessions (and cookie sessions: cookie-session,
 * @fastify/secure-session) then hold no Roblox token, and every instance sees the same, newest set.
 *
 * Writes compare before they set: a refreshed set replaces the stored one only while Redis still holds the set
 * the request read, so that tokens never go back to an older set, and a request whose refresh token was refused
 * forgets the stored set only while it is still that refused one, never a newer one another instance stored.
 * At login (no previous set) and at logout the write is unconditional. Redis unreachable is a
 * {@link RobloxCoordinationError} (status 503): nothing is assumed, nothing is erased.
 *
 * Pass the same instance as the strategy's `tokenStore` and the middleware's `store`; with several instances,
 * combine it with `createRedisRefreshCoordinator` (see docs/several-instances.md).
 *
 * @example
 * ```ts
 * import { createRedisRefreshCoordinator, RedisTokenStore } from 'passport-roblox-oidc/redis';
 *
 * const secret = process.env.ROBLOX_REDIS_SECRET!;
 * const tokenStore = new RedisTokenStore({ redis, secret });              // keyed by req.user.id
 * const refreshCoordinator = createRedisRefreshCoordinator({ redis, secret });
 * const strategy = new RobloxStrategy({ ...options, tokenStore, refreshCoordinator }, verify);
 * app.use('/api', refreshTokens({ client: strategy.client, store: tokenStore }));
 * ```
 */
export class RedisTokenStore implements TokenStore {
  private readonly ops: RedisOps;
  private readonly sealer: Sealer;
  private readonly keyOf: (req: Request) => string | undefined;
  private readonly prefix: string;
  private readonly ttlMs: number;

  constructor(options: RedisTokenStoreOptions) {
    const check = redisOptionChecks('RedisTokenStore');
    check.object(options);
    check.secret(options.secret);
    if (options.key !== undefined && typeof options.key !== 'function') throw check.fail('key option must be a function of the request');
    this.prefix = check.prefix(options.prefix, 'roblox:tokens:');
    this.ttlMs = check.ms('ttlMs', options.ttlMs, REFRESH_TOKEN_LIFETIME_MS, 60_000, 10 * 365 * 24 * 60 * 60 * 1000);
    this.ops = redisOps(options.redis, 'RedisTokenStore', check.ms('commandTimeoutMs', options.commandTimeoutMs, 2_000, 1));
    this.sealer = new Sealer(options.secret);
    this.keyOf = options.key ?? userKey;
  }

  /** The request's TokenSet; undefined without a user key or a stored set. */
  async get(req: Request): Promise<TokenSet | undefined> {
    const key = this.redisKey(req);
    if (key === undefined) return undefined;
    const value = await this.ops.get(key);
    if (value === null) return undefined;
    const dot = value.indexOf('.');
    const plain = dot < 0 ? undefined : this.sealer.open(value.slice(dot + 1), key);
    if (plain === undefined) {
      throw new RobloxCoordinationError('RedisTokenStore could not open the stored tokens: every instance must use the same secret and prefix; the tokens were kept');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(plain);
    } catch {
      parsed = undefined;
    }
    return isTokenSet(parsed) ? parsed : undefined;
  }

  /**
   * Stores the request's TokenSet. With `previous` (after a refresh) only while Redis still holds `previous`;
   * otherwise another instance stored a newer set first, and that one stays.
   */
  async set(req: Request, tokens: TokenSet, previous?: TokenSet): Promise<void> {
    const key = this.redisKey(req);
    if (key === undefined) {
      throw new RobloxConfigurationError('RedisTokenStore found no key for this request: sign the user in first, or pass a key option');
    }
    if (!isTokenSet(tokens)) throw new RobloxConfigurationError('RedisTokenStore can only store a TokenSet');
    const value = `${this.tag(tokens)}.${this.sealer.seal(JSON.stringify(tokens), key)}`;
    const expected = previous === undefined ? '' : this.tag(previous);
    await this.ops.evalInt(REPLACE, [key], [expected, value, String(Math.ceil(this.ttlMs))]);
  }

  /** Forgets the request's TokenSet; with `expected`, only while Redis still holds that set. */
  async delete(req: Request, expected?: TokenSet): Promise<void> {
    const key = this.redisKey(req);
    if (key === undefined) return;
    if (expected === undefined) await this.ops.del(key);
    else await this.ops.evalInt(FORGET, [key], [this.tag(expected)]);
  }

  private redisKey(req: Request): string | undefined {
    const id = this.keyOf(req);
    if (id === undefined) return undefined;
    if (typeof id !== 'string' || id === '') throw new RobloxConfigurationError('RedisTokenStore key option must return a non-empty string or undefined');
    return `${this.prefix}${this.sealer.name(`tokens\u0000${id}`)}`;
  }

  private tag(tokens: TokenSet): string {
    return this.sealer.name(`set\u0000${tokens.refreshToken ?? tokens.accessToken}`);
  }
}
