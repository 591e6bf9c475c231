import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { revokeCore, type RevokeTokensOptions } from './revoke-tokens';
import './request';

/**
 * Options of {@link unlinkRoblox}.
 *
 * @example
 * ```ts
 * const options: UnlinkRobloxOptions = { client: strategy.client, store: tokenStore };
 * ```
 */
export type UnlinkRobloxOptions = Omit<RevokeTokensOptions, 'destroySession'>;

/**
 * Unlinks the signed-in user's Roblox account (linked with `passport.authorize('roblox')`): revokes the grant at
 * Roblox (the refresh token, else the access token) and forgets the stored tokens, but, unlike `revokeTokens()`,
 * keeps the user signed in to the app and the session alive. Roblox being unreachable sets `req.robloxRevokeError`
 * (and calls `onError`); the tokens are forgotten anyway. Only local failures go to `next(err)`.
 *
 * @example
 * ```ts
 * app.post('/account/roblox/unlink', unlinkRoblox({ client: strategy.client }), async (req, res) => {
 *   await users.update(req.user!.id, { robloxId: null });
 *   res.redirect('/account');
 * });
 * ```
 */
export function unlinkRoblox(options: UnlinkRobloxOptions): RequestHandler {
  const run = revokeCore('unlinkRoblox', { ...options, logout: false });
  return function robloxUnlink(req: Request, _res: Response, next: NextFunction): void {
    run(req).then(() => next(), (err: unknown) => next(err));
  };
}
