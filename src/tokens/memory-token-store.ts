import type { Request } from 'express';
import { RobloxConfigurationError } from '../errors';
import { isTokenSet, type TokenSet, type TokenStore } from './token-set';
import { userKey } from './user-key';

/** Options of {@link MemoryTokenStore}. */
export interface MemoryTokenStoreOptions {
  /**
   * The key of the request's tokens, usually the signed-in user's ID (default: `req.user.id`, a string or number).
   * Undefined means no user: nothing is read, and storing fails with a RobloxConfigurationError.
   */
  key?: (req: Request) => string | undefined;
  /** Bound on stored token sets; the least recently written is evicted beyond it (default 10,000). */
  maxEntries?: number;
}

/**
 * A TokenStore in this process's memory, keyed by user: tokens stay out of the session cookie, which is what cookie
 * sessions (cookie-session, @fastify/secure-session) need. For development and single-instance apps: tokens are
 * lost on restart and not shared between instances; in production use `RedisTokenStore` from
 * `passport-roblox-oidc/redis`, or implement {@link TokenStore} on a database with the same keying.
 *
 * @example
 * ```ts
 * const tokenStore = new MemoryTokenStore();                     // keyed by req.user.id
 * passport.use(new RobloxStrategy({ ...options, tokenStore }, verify));
 * app.use('/api', refreshTokens({ client: strategy.client, store: tokenStore }));
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  private readonly entries = new Map<string, TokenSet>();
  private readonly keyOf: (req: Request) => string | undefined;
  private readonly maxEntries: number;

  constructor(options: MemoryTokenStoreOptions = {}) {
    if (options.key !== undefined && typeof options.key !== 'function') {
      throw new RobloxConfigurationError('MemoryTokenStore key option must be a function of the request');
    }
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new RobloxConfigurationError('MemoryTokenStore maxEntries option must be an integer ≥ 1');
    this.keyOf = options.key ?? userKey;
    this.maxEntries = max;
  }

  get(req: Request): TokenSet | undefined {
    const key = this.keyOf(req);
    return key === undefined ? undefined : this.entries.get(key);
  }

  set(req: Request, tokens: TokenSet): void {
    const key = this.keyOf(req);
    if (key === undefined) {
      throw new RobloxConfigurationError('MemoryTokenStore found no key for this request: sign the user in first, or pass a key option');
    }
    if (!isTokenSet(tokens)) throw new RobloxConfigurationError('MemoryTokenStore can only store a TokenSet');
    this.entries.delete(key);
    this.entries.set(key, tokens);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  delete(req: Request): void {
    const key = this.keyOf(req);
    if (key !== undefined) this.entries.delete(key);
  }

  /** How many token sets are stored. */
  get size(): number {
    return this.entries.size;
  }
}
