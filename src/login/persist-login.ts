import type { Request } from 'express';
import { isThenable, sessionOf } from '../tokens/session';
import { checkCookieSize } from '../tokens/cookie-size';
import type { LoginTransaction, SessionTransactionStore } from './state-store';
import type { TokenSet, TokenStore } from '../tokens/token-set';

type LogInCallback = (err?: unknown) => void;
type LogIn = (user: Express.User, options: unknown, done?: LogInCallback) => unknown;

/** What must outlive passport 0.7's session regeneration at `req.logIn`. */
export interface LoginCarryOver {
  tokenStore: TokenStore;
  tokens: TokenSet;
  returnTo: string | undefined;
  transactions: SessionTransactionStore;
  /** Logins still pending in other tabs: carried into the regenerated session. */
  pending: Record<string, LoginTransaction>;
}

/**
 * Wraps `req.logIn`/`req.login` on this request so that, once Passport has logged the user in (and, in
 * passport 0.7, regenerated the session, dropping everything set before), the TokenSet is persisted through
 * the TokenStore, `req.session.returnTo` is set for `successReturnToOrRedirect`, and other tabs' pending logins
 * are put back; then the caller's callback runs. Works for `passport.authenticate` and for apps that call
 * `req.logIn` themselves from a custom callback. The wrapper runs once.
 */
export function persistOnLogIn(req: Request, carry: LoginCarryOver): void {
  const target = req as unknown as { logIn?: LogIn; login?: LogIn };
  const original = target.logIn;
  if (typeof original !== 'function') return;

  const wrapped: LogIn = function logIn(user, options, done) {
    target.logIn = original;
    target.login = original;
    let opts = options;
    let cb = done;
    if (typeof opts === 'function') {
      cb = opts as LogInCallback;
      opts = {};
    }
    // @fastify/passport's logIn(user, options) returns a promise and takes no callback: persist after it settles.
    const result: unknown = original.call(req, user, opts ?? {}, (err?: unknown) => {
      if (err) return cb?.(err);
      persistOrUndo(req, carry).then(
        () => cb?.(),
        (persistErr: unknown) => cb?.(persistErr),
      );
    });
    if (isThenable(result)) return result.then(() => persistOrUndo(req, carry));
    return result;
  };
  target.logIn = wrapped;
  target.login = wrapped;
}

// Fail closed: a login whose tokens could not be stored (e.g. refused in a cookie session) is logged out again, so
// that the error page is not followed by a signed-in session without tokens.
async function persistOrUndo(req: Request, carry: LoginCarryOver): Promise<void> {
  try {
    await persist(req, carry);
  } catch (err) {
    const logout = (req as unknown as { logout?: (cb: (err?: unknown) => void) => unknown }).logout;
    if (typeof logout === 'function') {
      await new Promise<void>((resolve) => {
        const result = logout.call(req, () => resolve());
        if (isThenable(result)) result.then(() => resolve(), () => resolve());
      });
    }
    throw err;
  }
}

async function persist(req: Request, carry: LoginCarryOver): Promise<void> {
  await carry.tokenStore.set(req, carry.tokens);
  const session = sessionOf(req);
  if (!session) return;
  if (Object.keys(carry.pending).length > 0) carry.transactions.restore(req, carry.pending);
  if (carry.returnTo !== undefined) session.returnTo = carry.returnTo;
  checkCookieSize(req);
  // Passport saved the regenerated session; these changes are saved with the response (express-session).
}

/**
 * Stores the TokenSet of a linked account (`passport.authorize('roblox')`) for the user already signed in: no login
 * and no session regeneration follow, so it is written at once. Cookie-held sessions are checked for size.
 *
 * @example
 * ```ts
 * await persistLink(req, tokenStore, tokens);
 * ```
 */
export async function persistLink(req: Request, tokenStore: TokenStore, tokens: TokenSet): Promise<void> {
  await tokenStore.set(req, tokens);
  checkCookieSize(req);
}
