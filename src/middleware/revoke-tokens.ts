import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { endSession, isThenable } from '../tokens/session';
import { latestTokens, refreshFlightsFor, resourceCacheFor, tokenKey } from './caches';
import { checkBoolean, checkOptions, type MiddlewareBaseOptions } from './options';
import { TokenAccess } from '../tokens/token-access';
import type { TokenSet } from '../tokens/token-set';
import './request';

/**
 * Options of {@link revokeTokens}.
 *
 * @example
 * ```ts
 * const options: RevokeTokensOptions = { client: strategy.client, onError: (err) => console.warn(err.message) };
 * ```
 */
export interface RevokeTokensOptions extends MiddlewareBaseOptions {
  /**
   * Called when Roblox could not revoke the grant (unreachable, 5xx, an OAuth error). The local logout still
   * happens and `req.robloxRevokeError` is set too. Errors thrown here are ignored.
   */
  onError?: (err: Error, req: Request) => void;
  /** Destroy the session after logging out (default true). With false, passport's regenerated session stays. */
  destroySession?: boolean;
}

interface PassportLike {
  /** passport's takes a callback; @fastify/passport's returns a promise. */
  logout?: (this: Request, done: (err?: unknown) => void) => unknown;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Logout middleware: revokes the grant at Roblox (the refresh token, else the access token), forgets the
 * tokens, logs the user out (`req.logout`) and destroys the session, then calls `next()`.
 * Idempotent: with no tokens it just logs out. When Roblox cannot be reached the local logout still
 * happens; the failure is reported through `req.robloxRevokeError` and `onError`.
 * Only local failures (the store or the session store) go to `next(err)`.
 *
 * @example
 * ```ts
 * app.post('/logout', revokeTokens({ client: strategy.client, onError: (err) => log.warn(err.message) }),
 *   (req, res) => res.redirect('/'));
 * ```
 */
export function revokeTokens(options: RevokeTokensOptions): RequestHandler {
  const run = revokeCore('revokeTokens', options);
  return function robloxRevokeTokens(req: Request, _res: Response, next: NextFunction): void {
    run(req).then(() => next(), (err: unknown) => next(err));
  };
}

/**
 * The framework-free work of `revokeTokens()` (see there), shared by the Express middleware, the Fastify hook and
 * `unlinkRoblox()`: validates the options once, then returns the per-request function. With `logout: false` the
 * user stays signed in to the app and the session is kept: only the Roblox grant ends (account unlinking).
 *
 * @example
 * ```ts
 * const run = revokeCore('revokeTokens', { client });
 * await run(req);
 * ```
 */
export function revokeCore(owner: string, options: RevokeTokensOptions & { logout?: boolean }): (req: Request) => Promise<void> {
  checkOptions(owner, options, ['revoke']);
  checkBoolean(owner, 'destroySession', options.destroySession);
  const { client, onError } = options;
  const logOut = options.logout ?? true;
  const destroySession = logOut && (options.destroySession ?? true);
  const access = new TokenAccess(owner, options.store);
  const flights = refreshFlightsFor(client);
  const resources = resourceCacheFor(client);

  const report = (req: Request, err: unknown) => {
    const error = asError(err);
    req.robloxRevokeError = error;
    try {
      onError?.(error, req);
    } catch {
      // The app's reporting hook must not break its logout.
    }
  };

  /**
   * The newest set that follows `tokens`: a refresh running or remembered in this process, then one finished
   * on another instance (a coordinator shared between instances), so that a logout that read a refresh token
   * already rotated revokes its successor. Coordination trouble is reported; the set known is revoked then.
   */
  async function newest(req: Request, tokens: TokenSet): Promise<TokenSet> {
    let current = tokens;
    for (let hops = 0; hops < 8 && current.refreshToken; hops++) {
      const key = tokenKey(current.refreshToken);
      const running = flights.pending(key);
      if (running) await running.catch(() => undefined);
      const latest = latestTokens(flights, current);
      let next = 'tokens' in latest && latest.tokens !== current ? latest.tokens : undefined;
      if (!next && flights.settled) {
        try {
          next = await flights.settled(key);
        } catch (err) {
          report(req, err);
        }
      }
      if (!next || next.refreshToken === current.refreshToken) break;
      current = next;
    }
    return current;
  }

  async function revoke(req: Request, tokens: TokenSet): Promise<void> {
    const current = await newest(req, tokens);
    const forget = (t: TokenSet) => t.accessToken === current.accessToken || (!!t.refreshToken && t.refreshToken === current.refreshToken);
    flights.forget(forget);
    resources.forget(tokenKey(current.accessToken));
    try {
      await client.revoke(current.refreshToken ?? current.accessToken);
    } catch (err) {
      report(req, err);
    }
  }

  async function handle(req: Request): Promise<void> {
    let stored: TokenSet | undefined;
    try {
      stored = req.robloxTokens ?? (await access.load(req));
    } catch (err) {
      report(req, err);
    }
    if (stored) await revoke(req, stored);
    delete req.robloxTokens;
    delete req.robloxResources;
    await access.store.delete(req);
    const { logout } = req as unknown as PassportLike;
    const before = (req as unknown as { session?: unknown }).session;
    if (logOut && typeof logout === 'function') {
      await new Promise<void>((resolve, reject) => {
        const result = logout.call(req, (err) => (err ? reject(asError(err)) : resolve()));
        if (isThenable(result)) result.then(() => resolve(), (err: unknown) => reject(asError(err)));
      });
    }
    if (destroySession) await endSession(req, before);
  }

  return handle;
}
