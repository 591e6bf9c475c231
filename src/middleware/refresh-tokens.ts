import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rescuedRefreshToken } from '../tokens/rescued';
import type { TokenSet } from '../tokens/token-set';
import { isAuthFailure, latestTokens, refreshFlightsFor, tokenKey } from './caches';
import { checkNumber, checkOptions, type MiddlewareBaseOptions, type SignInRequiredOptions } from './options';
import { signInRequired } from './outcome';
import { TokenAccess } from '../tokens/token-access';
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
  const owner = 'refreshTokens';
  checkOptions(owner, options, ['refresh']);
  checkNumber(owner, 'skewSeconds', options.skewSeconds, 0);
  const { client, subject } = options;
  const skewMs = (options.skewSeconds ?? 60) * 1000;
  const outcome: SignInRequiredOptions = { redirectTo: options.redirectTo, onSignInRequired: options.onSignInRequired };
  const access = new TokenAccess(owner, options.store);
  const flights = refreshFlightsFor(client);

  const redeem = (req: Request, old: TokenSet, refreshToken: string): Promise<TokenSet> =>
    flights.redeem(tokenKey(refreshToken), async () => {
      const refreshed = await client.refresh(refreshToken, {
        previousIdToken: old.idToken,
        subject: subject?.(req),
        scope: old.scope,
      });
      if (!refreshed.idToken && old.idToken) refreshed.idToken = old.idToken;
      return refreshed;
    });

  async function handle(req: Request, res: Response, next: NextFunction): Promise<void> {
    let stored = await access.load(req);
    if (!stored) return signInRequired(outcome, 'Sign in with Roblox again: no Roblox tokens are stored for this session', req, res, next);

    const endSignIn = async (cause: unknown) => {
      await access.clear(req);
      delete req.robloxTokens;
      signInRequired(outcome, 'Sign in with Roblox again: Roblox no longer accepts this session\'s tokens', req, res, next, cause);
    };

    // A refused refresh token ends the sign-in, unless another process sharing the store refreshed first and
    // stored the successor after this request read the store: read it once more (and never clear a newer set).
    let reread = false;
    const successor = async (refused: TokenSet): Promise<TokenSet | undefined> => {
      if (reread) return undefined;
      reread = true;
      const current = await access.reread(req);
      return current && current.refreshToken !== refused.refreshToken ? current : undefined;
    };

    const latest = latestTokens(flights, stored);
    let tokens: TokenSet;
    if ('error' in latest) {
      const current = await successor(stored);
      if (!current) return endSignIn(latest.error);
      stored = tokens = current;
    } else {
      tokens = latest.tokens;
    }
    while (tokens.expiresAt - skewMs <= Date.now()) {
      if (!tokens.refreshToken) {
        if (tokens.expiresAt <= Date.now()) return endSignIn(undefined);
        break;
      }
      try {
        tokens = await redeem(req, tokens, tokens.refreshToken);
        break;
      } catch (err) {
        if (!isAuthFailure(err)) {
          // A malformed answer that still rotated the refresh token: keep the new one, report the fault.
          const next = rescuedRefreshToken(err);
          if (next) await access.save(req, { ...tokens, refreshToken: next });
          throw err;
        }
        const current = await successor(tokens);
        if (!current) return endSignIn(err);
        stored = tokens = current;
      }
    }
    if (tokens !== stored) await access.save(req, tokens);
    req.robloxTokens = tokens;
    next();
  }

  return function robloxRefreshTokens(req: Request, res: Response, next: NextFunction): void {
    // Fast path, synchronous: a session-held token that stays fresh beyond the skew and no refresh remembered.
    const held = access.peek(req);
    if (held && held.expiresAt - skewMs > Date.now() && flights.isEmpty()) {
      req.robloxTokens = held;
      return next();
    }
    handle(req, res, next).catch((err: unknown) => next(err));
  };
}
