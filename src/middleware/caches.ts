import { createHash } from 'node:crypto';
import type { RobloxClient } from '../provider/client';
import { RobloxIdTokenError, RobloxOAuthError } from '../errors';
import type { RobloxAuthorizedResources } from '../provider/resources';
import type { TokenSet } from '../tokens/token-set';
import { SingleFlight } from '../tokens/single-flight';

/** How long a finished refresh is remembered under its old refresh token. */
export const REFRESH_MEMORY_MS = 60_000;
/** Bound on remembered refreshes and cached resources, per client. */
export const MAX_ENTRIES = 10_000;

/**
 * A cache key for a token: its SHA-256, so that raw tokens are never map keys or log material.
 *
 * @example
 * ```ts
 * flights.run(tokenKey(tokens.refreshToken!), () => client.refresh(tokens.refreshToken!));
 * ```
 */
export function tokenKey(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** True when the provider says the grant is gone, or a refreshed ID token was rejected (e.g. another `sub`). */
export function isAuthFailure(error: unknown): boolean {
  return (error instanceof RobloxOAuthError && error.error === 'invalid_grant') || error instanceof RobloxIdTokenError;
}

// Per client, not per middleware instance: two refreshTokens() mounted on different routers still share flights.
const refreshFlights = new WeakMap<RobloxClient, SingleFlight<TokenSet>>();
const resourceCaches = new WeakMap<RobloxClient, SingleFlight<RobloxAuthorizedResources>>();

/** The refresh single-flight of a client: keyed by `tokenKey(oldRefreshToken)`, remembering results for 60 s. */
export function refreshFlightsFor(client: RobloxClient): SingleFlight<TokenSet> {
  let flights = refreshFlights.get(client);
  if (!flights) {
    flights = new SingleFlight<TokenSet>({ ttl: REFRESH_MEMORY_MS, maxEntries: MAX_ENTRIES, rememberError: isAuthFailure });
    refreshFlights.set(client, flights);
  }
  return flights;
}

/** The resources cache of a client: keyed by `tokenKey(accessToken)`, each entry living as long as its token. */
export function resourceCacheFor(client: RobloxClient): SingleFlight<RobloxAuthorizedResources> {
  let cache = resourceCaches.get(client);
  if (!cache) {
    cache = new SingleFlight<RobloxAuthorizedResources>({ ttl: 0, maxEntries: MAX_ENTRIES });
    resourceCaches.set(client, cache);
  }
  return cache;
}

/**
 * Follows remembered refreshes from a loaded TokenSet to the newest one this process knows, so that a request
 * that read an already-rotated refresh token never sends it again. Returns the failure when the grant was
 * found gone.
 *
 * @example
 * ```ts
 * const latest = latestTokens(refreshFlightsFor(client), loaded);
 * if ('error' in latest) return signInAgain();
 * ```
 */
export function latestTokens(flights: SingleFlight<TokenSet>, tokens: TokenSet): { tokens: TokenSet } | { error: unknown } {
  // Nothing remembered (the usual case): no hashing on the hot path.
  if (flights.isEmpty()) return { tokens };
  let current = tokens;
  for (let hops = 0; hops < 16 && current.refreshToken; hops++) {
    const seen = flights.recall(tokenKey(current.refreshToken));
    if (!seen) break;
    if (!seen.ok) return { error: seen.error };
    current = seen.value;
  }
  return { tokens: current };
}
