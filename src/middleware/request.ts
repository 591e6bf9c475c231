import type { RobloxAuthorizedResources } from '../provider/resources';
import type { TokenSet } from '../tokens/token-set';

/**
 * The fields the middleware helpers add to Express's `Request`. Importing `passport-roblox-oidc` adds them to
 * the global `Express.Request` type, so `req.robloxTokens` type-checks in any handler.
 *
 * @example
 * ```ts
 * app.get('/me', refreshTokens({ client }), async (req, res) => {
 *   const { accessToken } = req.robloxTokens!;          // TokenSet, fresh for at least skewSeconds
 *   res.json(await client.userinfo(accessToken));
 * });
 * ```
 */
export interface RobloxRequestFields {
  /** The user's current TokenSet, set by `refreshTokens()` (refreshed if it was about to expire). */
  robloxTokens?: TokenSet;
  /** What the user authorized the app for, set by `authorizedResources()`. */
  robloxResources?: RobloxAuthorizedResources;
  /**
   * Set by `revokeTokens()` when Roblox could not be told about the logout (the local logout still happened):
   * the grant may still be alive at Roblox until its refresh token expires.
   */
  robloxRevokeError?: Error;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request extends RobloxRequestFields {}
  }
}
