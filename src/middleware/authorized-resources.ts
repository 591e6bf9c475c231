import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RobloxOAuthError } from '../errors';
import { resourceCacheFor, tokenKey } from './caches';
import { checkOptions, type MiddlewareBaseOptions, type SignInRequiredOptions } from './options';
import { signInRequired } from './outcome';
import { TokenAccess } from '../tokens/token-access';
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

/** The access token no longer works at Roblox (the grant was revoked): the user must sign in again. */
function tokenRejected(err: unknown): boolean {
  return err instanceof RobloxOAuthError && (err.providerStatus === 401 || err.error === 'invalid_token' || err.error === 'invalid_grant');
}

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
  const owner = 'authorizedResources';
  checkOptions(owner, options, ['resources']);
  const { client } = options;
  const outcome: SignInRequiredOptions = { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired };
  const access = new TokenAccess(owner, options.store);
  const cache = resourceCacheFor(client);

  async function handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const tokens = req.robloxTokens ?? (await access.load(req));
    if (!tokens) return signInRequired(outcome, 'Sign in with Roblox again: no Roblox tokens are stored for this session', req, res, next);
    if (tokens.expiresAt <= Date.now()) {
      return signInRequired(outcome, 'Sign in with Roblox again: the Roblox access token has expired (mount refreshTokens() before authorizedResources())', req, res, next);
    }
    const { accessToken, expiresAt } = tokens;
    try {
      req.robloxResources = await cache.run(tokenKey(accessToken), () => client.resources(accessToken), () => expiresAt);
    } catch (err) {
      if (!tokenRejected(err)) throw err;
      await access.clear(req);
      delete req.robloxTokens;
      return signInRequired(outcome, 'Sign in with Roblox again: Roblox no longer accepts this session\'s tokens', req, res, next, err);
    }
    next();
  }

  return function robloxAuthorizedResources(req: Request, res: Response, next: NextFunction): void {
    handle(req, res, next).catch((err: unknown) => next(err));
  };
}
