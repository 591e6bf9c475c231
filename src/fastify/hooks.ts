import type { Request } from 'express';
import type { AuthorizedResourcesOptions } from '../middleware/authorized-resources';
import type { RefreshTokensOptions } from '../middleware/refresh-tokens';
import { resourcesCore } from '../middleware/resources-core';
import { refreshCore } from '../middleware/refresh-core';
import { revokeCore, type RevokeTokensOptions } from '../middleware/revoke-tokens';
import type { TokenStore } from '../tokens/token-set';
import { fastifySignInRequired } from './sign-in-required';
import type { FastifySignInRequiredOptions, RobloxFastifyHook, RobloxFastifyReply, RobloxFastifyRequest } from './types';

type Base = Omit<RefreshTokensOptions, 'onSignInRequired' | 'redirectTo' | 'subject' | 'store'>;

/**
 * Options of the Fastify {@link refreshTokens} hook: those of the Express middleware, with the Fastify
 * request and reply in `subject` and `onSignInRequired`. A TokenStore receives the Fastify request.
 *
 * @example
 * ```ts
 * const options: FastifyRefreshTokensOptions = { client: strategy.client, store: tokenStore, redirectTo: '/login' };
 * ```
 */
export interface FastifyRefreshTokensOptions extends Base, FastifySignInRequiredOptions {
  /** Where tokens live between requests (default: the session); use the strategy's `tokenStore`. */
  store?: TokenStore;
  /** The signed-in user's Roblox user ID, checked against the refreshed ID token's `sub`. */
  subject?: (request: RobloxFastifyRequest) => string | undefined;
}

/**
 * Options of the Fastify {@link authorizedResources} hook.
 *
 * @example
 * ```ts
 * const options: FastifyAuthorizedResourcesOptions = { client: strategy.client, store: tokenStore };
 * ```
 */
export interface FastifyAuthorizedResourcesOptions
  extends Omit<AuthorizedResourcesOptions, 'onSignInRequired' | 'redirectTo'>, FastifySignInRequiredOptions {}

/**
 * Options of the Fastify {@link revokeTokens} hook.
 *
 * @example
 * ```ts
 * const options: FastifyRevokeTokensOptions = { client: strategy.client, onError: (err) => log.warn(err.message) };
 * ```
 */
export interface FastifyRevokeTokensOptions extends Omit<RevokeTokensOptions, 'onError'> {
  /** Called when Roblox could not revoke the grant; the local logout still happens. Errors thrown here are ignored. */
  onError?: (err: Error, request: RobloxFastifyRequest) => void;
}

type Run = (req: Request, signIn: (message: string, cause?: unknown) => void, next: (err?: unknown) => void) => void;

function hookOf(run: Run, outcome: FastifySignInRequiredOptions): RobloxFastifyHook {
  return async (request: RobloxFastifyRequest, reply: RobloxFastifyReply) => {
    let signIn: { message: string; cause?: unknown } | undefined;
    await new Promise<void>((resolve, reject) => {
      run(
        request as unknown as Request,
        (message, cause) => {
          signIn = { message, cause };
          resolve();
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
    if (signIn && (await fastifySignInRequired(outcome, signIn.message, request, reply, signIn.cause))) return reply;
    return undefined;
  };
}

/**
 * Fastify hook version of `refreshTokens()`: the same work and outcomes (fresh `request.robloxTokens`, one refresh
 * per refresh token, 401 `ERR_ROBLOX_SIGN_IN_REQUIRED` or `redirectTo` when the user must sign in again, provider
 * outages to Fastify's error handler with their status, 502/504). Use it as a `preHandler`.
 *
 * @example
 * ```ts
 * import { refreshTokens } from 'passport-roblox-oidc/fastify';
 * app.get('/api/me', { preHandler: refreshTokens({ client: strategy.client, store: tokenStore }) },
 *   async (request) => strategy.client.userinfo(request.robloxTokens!.accessToken));
 * ```
 */
export function refreshTokens(options: FastifyRefreshTokensOptions): RobloxFastifyHook {
  const run = refreshCore('refreshTokens', options as unknown as RefreshTokensOptions);
  return hookOf(run, { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired });
}

/**
 * Fastify hook version of `authorizedResources()`: sets `request.robloxResources`, with the same outcomes.
 *
 * @example
 * ```ts
 * app.get('/experiences', { preHandler: [refreshTokens(base), authorizedResources(base)] },
 *   async (request) => request.robloxResources!.universes);
 * ```
 */
export function authorizedResources(options: FastifyAuthorizedResourcesOptions): RobloxFastifyHook {
  const run = resourcesCore('authorizedResources', options as unknown as AuthorizedResourcesOptions);
  return hookOf(run, { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired });
}

/**
 * Fastify hook version of `revokeTokens()`: revokes the grant at Roblox, forgets the tokens, logs the user out
 * (`request.logOut()`) and ends the session (@fastify/session's `destroy()`, @fastify/secure-session's `delete()`);
 * then the route's handler answers. Roblox being unreachable sets `request.robloxRevokeError`.
 *
 * @example
 * ```ts
 * app.post('/logout', { preHandler: revokeTokens({ client: strategy.client, store: tokenStore }) },
 *   async (_request, reply) => reply.redirect('/'));
 * ```
 */
export function revokeTokens(options: FastifyRevokeTokensOptions): RobloxFastifyHook {
  const run = revokeCore('revokeTokens', options as unknown as RevokeTokensOptions);
  return async (request) => {
    await run(request as unknown as Request);
  };
}

/**
 * Fastify hook that unlinks the signed-in user's Roblox account: revokes the grant and forgets the tokens, but
 * keeps the user signed in to the app and the session alive (see `unlinkRoblox()` for Express).
 *
 * @example
 * ```ts
 * app.post('/account/roblox/unlink', { preHandler: unlinkRoblox({ client: strategy.client, store: tokenStore }) },
 *   async (_request, reply) => reply.redirect('/account'));
 * ```
 */
export function unlinkRoblox(options: Omit<FastifyRevokeTokensOptions, 'destroySession'>): RobloxFastifyHook {
  const run = revokeCore('unlinkRoblox', { ...(options as unknown as RevokeTokensOptions), logout: false });
  return async (request) => {
    await run(request as unknown as Request);
  };
}
