import type { Request } from 'express';
import { rescuedRefreshToken } from '../tokens/rescued';
import type { TokenSet } from '../tokens/token-set';
import { isAuthFailure, latestTokens, refreshFlightsFor } from './caches';
import { redeemOnce } from '../tokens/refresh-coordinator';
import { checkNumber, checkOptions } from './options';
import type { SignIn } from './outcome';
import type { RefreshTokensOptions } from './refresh-tokens';
import { TokenAccess } from '../tokens/token-access';
import './request';

/** Runs a refresh for one request: `next()` with `req.robloxTokens` set, `signIn(message)`, or `next(err)`. */
export type RefreshRun = (req: Request, signIn: SignIn, next: (err?: unknown) => void) => void;

/**
 * The framework-free work of `refreshTokens()` (see there), shared by the Express middleware and the Fastify hook:
 * validates the options once, then returns the per-request function.
 *
 * @example
 * ```ts
 * const run = refreshCore('refreshTokens', { client });
 * run(req, (message) => answer401(message), (err) => (err ? fail(err) : goOn()));
 * ```
 */
export function refreshCore(owner: string, options: Omit<RefreshTokensOptions, 'onSignInRequired'>): RefreshRun {
  checkOptions(owner, options, ['refresh']);
  checkNumber(owner, 'skewSeconds', options.skewSeconds, 0);
  const { client, subject } = options;
  const skewMs = (options.skewSeconds ?? 60) * 1000;
  const access = new TokenAccess(owner, options.store);
  const flights = refreshFlightsFor(client);

  const redeem = (req: Request, old: TokenSet, refreshToken: string): Promise<TokenSet> =>
    redeemOnce(flights, (rt, o) => client.refresh(rt, o), refreshToken, { previousIdToken: old.idToken, subject: subject?.(req), scope: old.scope });

  async function handle(req: Request, signIn: SignIn, next: (err?: unknown) => void): Promise<void> {
    let stored = await access.load(req);
    if (!stored) return signIn('Sign in with Roblox again: no Roblox tokens are stored for this session');

    // `stored` is always the set the store held when last read: writes replace it and clearing names it, so that
    // a store shared by several instances never goes back to an older set nor forgets a newer one.
    const endSignIn = async (cause: unknown) => {
      await access.clear(req, stored);
      delete req.robloxTokens;
      signIn('Sign in with Roblox again: Roblox no longer accepts this session\'s tokens', cause);
    };

    // A refused refresh token ends the sign-in, unless another process sharing the store refreshed first and
    // stored the successor after this request read the store: read it once more (and never clear a newer set).
    let reread = false;
    const successor = async (refused: TokenSet): Promise<TokenSet | undefined> => {
      if (reread) return undefined;
      reread = true;
      const current = await access.reread(req);
      if (current && current.refreshToken !== refused.refreshToken) return current;
      if (current) stored = current;
      return undefined;
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
          if (next) await access.save(req, { ...tokens, refreshToken: next }, stored);
          throw err;
        }
        const current = await successor(tokens);
        if (!current) return endSignIn(err);
        stored = tokens = current;
      }
    }
    if (tokens !== stored) await access.save(req, tokens, stored);
    req.robloxTokens = tokens;
    next();
  }

  return function runRefresh(req: Request, signIn: SignIn, next: (err?: unknown) => void): void {
    // Fast path, synchronous: a session-held token that stays fresh beyond the skew and no refresh remembered.
    const held = access.peek(req);
    if (held && held.expiresAt - skewMs > Date.now() && flights.isEmpty()) {
      req.robloxTokens = held;
      return next();
    }
    handle(req, signIn, next).catch((err: unknown) => next(err));
  };
}
