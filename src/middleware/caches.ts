import type { RobloxClient } from '../provider/client';
import type { RobloxAuthorizedResources } from '../provider/resources';
import type { RefreshCoordinator } from '../tokens/refresh-coordinator';
import { InProcessRefreshCoordinator, isRefreshCoordinator, tokenKey } from '../tokens/refresh-coordinator';
import type { TokenSet } from '../tokens/token-set';
import { SingleFlight, type Settled } from '../tokens/single-flight';

/** Bound on cached resources, per client. */
export const MAX_ENTRIES = 10_000;

export { REFRESH_MEMORY_MS, tokenKey, isAuthFailure } from '../tokens/refresh-coordinator';

// Per client, not per middleware instance: two authorizedResources() on different routers share one cache.
const resourceCaches = new WeakMap<RobloxClient, SingleFlight<RobloxAuthorizedResources>>();

const fallbackCoordinators = new WeakMap<object, RefreshCoordinator>();

/**
 * The refresh coordination of a client: its `refreshCoordinator` (the option, or its in-process default). An
 * object that only looks like a RobloxClient gets an in-process coordinator of its own, kept per object.
 */
export function refreshFlightsFor(client: RobloxClient): RefreshCoordinator {
  if (isRefreshCoordinator(client.refreshCoordinator)) return client.refreshCoordinator;
  let coordinator = fallbackCoordinators.get(client);
  if (!coordinator) {
    coordinator = new InProcessRefreshCoordinator();
    fallbackCoordinators.set(client, coordinator);
  }
  return coordinator;
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
export function latestTokens(
  flights: { isEmpty(): boolean; recall(key: string): Settled<TokenSet> | undefined },
  tokens: TokenSet,
): { tokens: TokenSet } | { error: unknown } {
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
