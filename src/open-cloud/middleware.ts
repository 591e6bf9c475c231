import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkNumber, checkOptions, type MiddlewareBaseOptions, type SignInRequiredOptions } from '../middleware/options';
import { signInRequired } from '../middleware/outcome';
import '../middleware/request';
import { TokenAccess } from '../tokens/token-access';
import { OpenCloudClient, type OpenCloudClientOptions } from './client';
import './request';

/**
 * Options of {@link openCloud}: the store and sign-in outcome of the other middleware, and the client's call options.
 *
 * @example
 * ```ts
 * const options: OpenCloudOptions = { client: strategy.client, redirectTo: '/auth/roblox', maxRateLimitWaitMs: 2000 };
 * ```
 */
export interface OpenCloudOptions
  extends MiddlewareBaseOptions,
    SignInRequiredOptions,
    Pick<OpenCloudClientOptions, 'baseURL' | 'timeout' | 'skewSeconds' | 'maxRateLimitWaitMs' | 'maxRateLimitRetries'> {
  /** The signed-in user's Roblox user ID, checked against a refreshed ID token (default: the stored ID token's `sub`). */
  subject?: (req: Request) => string | undefined;
}

/**
 * Sets `req.robloxCloud`: an {@link OpenCloudClient} for the request's user. Uses `req.robloxTokens` when
 * `refreshTokens()` ran first, else the store (default: the session). A refresh it makes is persisted through the
 * same store (awaited) and shared with `refreshTokens()` (one refresh per token). When Roblox ends the grant
 * during a call, the stored tokens are cleared and the call rejects with RobloxSignInRequiredError (status 401).
 * No tokens at all: the "sign in again" outcome (`redirectTo`, `onSignInRequired`, or 401).
 *
 * @example
 * ```ts
 * app.get('/me/roblox', openCloud({ client: strategy.client }), async (req, res, next) => {
 *   try { res.json(await req.robloxCloud!.users.get(req.user!.id)); } catch (err) { next(err); }
 * });
 * ```
 */
export function openCloud(options: OpenCloudOptions): RequestHandler {
  const owner = 'openCloud';
  checkOptions(owner, options, ['refresh']);
  checkNumber(owner, 'skewSeconds', options.skewSeconds, 0);
  const outcome: SignInRequiredOptions = { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired };
  const access = new TokenAccess(owner, options.store);
  const { client, subject, baseURL, timeout, skewSeconds, maxRateLimitWaitMs, maxRateLimitRetries } = options;
  // Checks the call options once, at setup, with a throwaway TokenSet.
  new OpenCloudClient({ client, tokens: { accessToken: 'x', tokenType: 'Bearer', scope: [], expiresAt: 0 }, baseURL, timeout, skewSeconds, maxRateLimitWaitMs, maxRateLimitRetries });

  async function handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    const tokens = req.robloxTokens ?? (await access.load(req));
    if (!tokens) return signInRequired(outcome, 'Sign in with Roblox again: no Roblox tokens are stored for this session', req, res, next);
    let current = tokens;   // what the store holds, as far as this request knows
    req.robloxCloud = new OpenCloudClient({
      client, tokens, baseURL, timeout, skewSeconds, maxRateLimitWaitMs, maxRateLimitRetries, subject: subject?.(req),
      onTokens: async (next) => {
        await access.save(req, next, current);
        current = next;
        req.robloxTokens = next;
      },
      onGrantEnded: async () => {
        await access.clear(req, current);
        delete req.robloxTokens;
      },
    });
    next();
  }

  return function robloxOpenCloud(req: Request, res: Response, next: NextFunction): void {
    handle(req, res, next).catch((err: unknown) => next(err));
  };
}
