import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { MiddlewareBaseOptions, SignInRequiredOptions } from './options';
import { signInRequired } from './outcome';
import { resourcesCore } from './resources-core';
import './request';

/**
 * Options of {@link authorizedResources}.
 *
 * @example
 * ```ts
 * const options: AuthorizedResourcesOptions = { client: strategy.client, redirectTo: '/auth/roblox' };
 * ```
 */
export interface AuthorizedResourcesOptions extends MiddlewareBaseOptions, SignInRequiredOptions {}

/**
 * Sets `req.robloxResources`: the universes and creator accounts (users, groups) the user authorized the app
 * for, from Roblox's `POST v1/token/resources`. The answer is cached in memory for the access token's
 * lifetime (keyed by a hash of the token, bounded), and concurrent requests share one call.
 * Uses `req.robloxTokens` when `refreshTokens()` ran before it, else the store. No tokens, an expired
 * access token, or one Roblox rejects: the "sign in again" outcome (see `redirectTo`, `onSignInRequired`).
 * Provider outages go to `next(err)`.
 *
 * @example
 * ```ts
 * app.get('/experiences', refreshTokens({ client }), authorizedResources({ client }), (req, res) => {
 *   res.json(req.robloxResources!.universes.map((u) => u.id));
 * });
 * ```
 */
export function authorizedResources(options: AuthorizedResourcesOptions): RequestHandler {
  const run = resourcesCore('authorizedResources', options);
  const outcome: SignInRequiredOptions = { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired };
  return function robloxAuthorizedResources(req: Request, res: Response, next: NextFunction): void {
    run(req, (message, cause) => signInRequired(outcome, message, req, res, next, cause), next);
  };
}
