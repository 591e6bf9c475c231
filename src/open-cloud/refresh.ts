import type { RobloxClient } from '../provider/client';
import { refreshFlightsFor } from '../middleware/caches';
import { redeemOnce, tokenKey } from '../tokens/refresh-coordinator';
import type { TokenSet } from '../tokens/token-set';

/**
 * Redeems the grant's refresh token through the client's refresh coordination, the one `refreshTokens()` uses:
 * concurrent callers holding the same refresh token share ONE refresh, and a caller arriving just after it gets
 * its outcome. This is the only place Open Cloud refreshes; rewire it here when the coordination seam changes.
 *
 * @example
 * ```ts
 * const next = await refreshGrant(client, tokens, '1516563360');
 * ```
 */
export function refreshGrant(client: RobloxClient, old: TokenSet, subject?: string): Promise<TokenSet> {
  const refreshToken = old.refreshToken as string;
  return redeemOnce(refreshFlightsFor(client), (rt, o) => client.refresh(rt, o), refreshToken, { previousIdToken: old.idToken, subject, scope: old.scope });
}

/** The newest tokens this process already knows for `old` (a refresh another request finished), if any. */
export function knownSuccessor(client: RobloxClient, old: TokenSet): TokenSet | undefined {
  if (!old.refreshToken) return undefined;
  const flights = refreshFlightsFor(client);
  if (flights.isEmpty()) return undefined;
  const seen = flights.recall(tokenKey(old.refreshToken));
  return seen?.ok ? seen.value : undefined;
}
