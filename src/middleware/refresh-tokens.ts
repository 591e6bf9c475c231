import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MiddlewareBaseOptions, SignInRequiredOptions } from './options';
import { signInRequired } from './outcome';
import { refreshCore } from './refresh-core';
import './request';

/**
 * Options of {@link refreshTokens}.
 *
 * @example
 * ```ts
 * const options: RefreshTokensOptions = { client: strategy.client, skewSeconds: 120, redirectTo: '/login' };
 * ```
 */
export interface RefreshTokensOptions extends MiddlewareBaseOptions, SignInRequiredOptions {
  /** Refresh when the access token expires within this many seconds (default 60). */
  skewSeconds?: number;
  /**
   * The signed-in user's Roblox user ID, checked against the refreshed ID token's `sub`. By default the `sub`
   * of the stored ID token is used.
   */
  subject?: (req: Request) => string | undefined;
}

/**
 * Keeps the request's Roblox tokens fresh and sets `req.robloxTokens`.
 *
 * - Loads the TokenSet from the store (default: the session). When the access token expires within
 *   `skewSeconds`, redeems the refresh token, verifies the refreshed ID token (same `sub`), and persists the
 *   rotated set (awaiting `req.session.save()`) before calling `next()`.
 * - Concurrent requests holding the same refresh token share ONE refresh; a request that read the old token
 *   just after a refresh finished (within 60 s) gets the new set instead of sending the dead token again.
 * - No tokens, `invalid_grant` (grant revoked or refresh token already used), or a refreshed ID token that
 *   fails verification (e.g. another user's `sub`): the stored tokens are cleared and the user is asked to
 *   sign in again (401 `ERR_ROBLOX_SIGN_IN_REQUIRED`, `redirectTo`, or `onSignInRequired`). Before that the
 *   store is read once more (an express-session session is reloaded from its store, replacing this request's
 *   copy): when it now holds another refresh token (another process sharing the store refreshed first), that
 *   set is used instead and nothing is cleared.
 * - Provider outage (timeout, 5xx, network): `next(err)` with the typed error; the tokens are kept.
 *
 * @example
 * ```ts
 * app.use('/api', refreshTokens({ client: strategy.client }));
 * app.get('/api/me', async (req, res) => res.json(await strategy.client.userinfo(req.robloxTokens!.accessToken)));
 * app.get('/dashboard', refreshTokens({ client: strategy.client, redirectTo: '/login' }), showDashboard);
 * ```
 */
export function refreshTokens(options: RefreshTokensOptions): RequestHandler {
  const run = refreshCore('refreshTokens', options);
  const outcome: SignInRequiredOptions = { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired };
  return function robloxRefreshTokens(req: Request, res: Response, next: NextFunction): void {
    run(req, (message, cause) => signInRequired(outcome, message, req, res, next, cause), next);
  };
}
