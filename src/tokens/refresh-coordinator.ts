import { createHash } from 'node:crypto';
import { RobloxIdTokenError, RobloxOAuthError } from '../errors';
import { SingleFlight, type Settled } from './single-flight';
import type { TokenSet } from './token-set';

/** How long a finished refresh is remembered under its old refresh token (ms). */
export const REFRESH_MEMORY_MS = 60_000;

/** Bound on remembered refreshes per coordinator. */
export const MAX_REMEMBERED_REFRESHES = 10_000;

/**
 * A key for a token: its SHA-256, so that raw tokens are never map keys or log material.
 *
 * @example
 * ```ts
 * coordinator.redeem(tokenKey(tokens.refreshToken!), () => client.refresh(tokens.refreshToken!));
 * ```
 */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** True when the provider says the grant is gone, or a refreshed ID token was rejected (e.g. another `sub`). */
export function isAuthFailure(error: unknown): boolean {
  return (error instanceof RobloxOAuthError && error.error === 'invalid_grant') || error instanceof RobloxIdTokenError;
}

/**
 * Everything shared between the requests of one grant while its single-use refresh token is redeemed:
 * exclusivity (one redemption per refresh token), the outcome of a finished refresh (the new TokenSet, or the
 * grant gone), and waiting for an outcome produced elsewhere. `refreshTokens`, `revokeTokens`,
 * `authorizedResources` and {@link RobloxClient.refreshOnce} go through the client's coordinator.
 *
 * The default, {@link InProcessRefreshCoordinator}, does this within one process. For several processes or
 * servers, pass `createRedisRefreshCoordinator(…)` from `passport-roblox-oidc/redis` as the
 * `refreshCoordinator` option of `RobloxStrategy` or `RobloxClient`.
 *
 * Keys are SHA-256 hashes (base64url) of the refresh token being redeemed, never raw tokens.
 */
export interface RefreshCoordinator {
  /**
   * Redeems once per key: the first caller runs `redeem`, concurrent and late callers (within the memory)
   * get its outcome. Rejects with the redemption's error, or a `RobloxCoordinationError` (status 503) when the
   * coordination itself cannot be done (then nothing was sent to Roblox by this caller).
   */
  redeem(key: string, redeem: () => Promise<TokenSet>): Promise<TokenSet>;
  /** The outcome remembered in this process for `key`, if any (synchronous: for the request fast path). */
  recall(key: string): Settled<TokenSet> | undefined;
  /** The redemption of `key` running in this process, if any. */
  pending(key: string): Promise<TokenSet> | undefined;
  /** True when this process remembers no outcome: a fresh token then needs no lookup at all. */
  isEmpty(): boolean;
  /** Forgets remembered successes whose TokenSet matches (e.g. after the grant was revoked). */
  forget(match: (tokens: TokenSet) => boolean): void;
  /**
   * Optional, for coordinators shared between instances: the TokenSet a redemption of `key` produced on any
   * instance, waiting for one that is running; undefined when none is known (or it ended the grant).
   * `revokeTokens` asks it so that a logout that read an already-rotated refresh token revokes its successor
   * (revoking a spent token would leave the grant alive).
   */
  settled?(key: string): Promise<TokenSet | undefined>;
}

/**
 * The default {@link RefreshCoordinator}: single flight and a 60-second memory of finished refreshes in this
 * process. Enough for one process; several processes need a shared coordinator (Redis).
 *
 * @example
 * ```ts
 * const client = new RobloxClient({ clientID, clientSecret, refreshCoordinator: new InProcessRefreshCoordinator() });
 * ```
 */
export class InProcessRefreshCoordinator implements RefreshCoordinator {
  private readonly flights: SingleFlight<TokenSet>;

  constructor(options: { memoryMs?: number; maxEntries?: number } = {}) {
    this.flights = new SingleFlight<TokenSet>({
      ttl: options.memoryMs ?? REFRESH_MEMORY_MS,
      maxEntries: options.maxEntries ?? MAX_REMEMBERED_REFRESHES,
      rememberError: isAuthFailure,
    });
  }

  redeem(key: string, redeem: () => Promise<TokenSet>): Promise<TokenSet> {
    return this.flights.run(key, redeem);
  }

  recall(key: string): Settled<TokenSet> | undefined {
    return this.flights.recall(key);
  }

  pending(key: string): Promise<TokenSet> | undefined {
    return this.flights.pending(key);
  }

  isEmpty(): boolean {
    return this.flights.isEmpty();
  }

  forget(match: (tokens: TokenSet) => boolean): void {
    this.flights.forget(match);
  }
}

/** What a refresh needs besides the token: the signed-in user's subject, the previous ID token, the scope. */
export interface RefreshOptions {
  subject?: string | undefined;
  previousIdToken?: string | undefined;
  scope?: string[] | undefined;
}

/**
 * Redeems `refreshToken` once through `coordinator` (concurrent and late callers share the outcome). A refresh
 * answer without an ID token (Roblox's documented example has none) keeps the previous one in the new set.
 * The one place every coordinated refresh goes through: `refreshTokens`, Open Cloud and
 * `RobloxClient.refreshOnce`.
 *
 * @example
 * ```ts
 * const next = await redeemOnce(coordinator, (rt, o) => client.refresh(rt, o), tokens.refreshToken!, { previousIdToken: tokens.idToken });
 * ```
 */
export function redeemOnce(
  coordinator: RefreshCoordinator,
  refresh: (refreshToken: string, options: RefreshOptions) => Promise<TokenSet>,
  refreshToken: string,
  options: RefreshOptions,
): Promise<TokenSet> {
  return coordinator.redeem(tokenKey(refreshToken), async () => {
    const refreshed = await refresh(refreshToken, options);
    if (!refreshed.idToken && options.previousIdToken) refreshed.idToken = options.previousIdToken;
    return refreshed;
  });
}

/** True for an object with the methods of a {@link RefreshCoordinator}. */
export function isRefreshCoordinator(value: unknown): value is RefreshCoordinator {
  const v = value as Record<string, unknown> | null;
  return typeof v === 'object' && v !== null && ['redeem', 'recall', 'pending', 'isEmpty', 'forget'].every((m) => typeof v[m] === 'function');
}
