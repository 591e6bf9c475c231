import type { Request } from 'express';
import { RobloxOAuthError } from '../errors';
import { resourceCacheFor, tokenKey } from './caches';
import { checkOptions } from './options';
import type { SignIn } from './outcome';
import type { AuthorizedResourcesOptions } from './authorized-resources';
import { TokenAccess } from '../tokens/token-access';
import './request';

/** Loads one request's resources: `next()` with `req.robloxResources` set, `signIn(message)`, or `next(err)`. */
export type ResourcesRun = (req: Request, signIn: SignIn, next: (err?: unknown) => void) => void;

/** The access token no longer works at Roblox (the grant was revoked): the user must sign in again. */
function tokenRejected(err: unknown): boolean {
  return err instanceof RobloxOAuthError && (err.providerStatus === 401 || err.error === 'invalid_token' || err.error === 'invalid_grant');
}

/**
 * The framework-free work of `authorizedResources()` (see there), shared by the Express middleware and the Fastify
 * hook: validates the options once, then returns the per-request function.
 *
 * @example
 * ```ts
 * const run = resourcesCore('authorizedResources', { client });
 * ```
 */
export function resourcesCore(owner: string, options: Omit<AuthorizedResourcesOptions, 'onSignInRequired'>): ResourcesRun {
  checkOptions(owner, options, ['resources']);
  const { client } = options;
  const access = new TokenAccess(owner, options.store);
  const cache = resourceCacheFor(client);

  async function handle(req: Request, signIn: SignIn, next: (err?: unknown) => void): Promise<void> {
    const tokens = req.robloxTokens ?? (await access.load(req));
    if (!tokens) return signIn('Sign in with Roblox again: no Roblox tokens are stored for this session');
    if (tokens.expiresAt <= Date.now()) {
      return signIn('Sign in with Roblox again: the Roblox access token has expired (mount refreshTokens() before authorizedResources())');
    }
    const { accessToken, expiresAt } = tokens;
    try {
      req.robloxResources = await cache.run(tokenKey(accessToken), () => client.resources(accessToken), () => expiresAt);
    } catch (err) {
      if (!tokenRejected(err)) throw err;
      await access.clear(req, tokens);
      delete req.robloxTokens;
      return signIn('Sign in with Roblox again: Roblox no longer accepts this session\'s tokens', err);
    }
    next();
  }

  return function runResources(req: Request, signIn: SignIn, next: (err?: unknown) => void): void {
    handle(req, signIn, next).catch((err: unknown) => next(err));
  };
}
