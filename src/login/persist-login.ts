import type { Request } from 'express';
import { RobloxConfigurationError, RobloxError, RobloxTokenStoreError } from '../errors';
import { isThenable, sessionOf, storedSession } from '../tokens/session';
import { checkCookieSize } from '../tokens/cookie-size';
import type { LoginTransaction, SessionTransactionStore } from './state-store';
import { SessionTokenStore, type TokenSet, type TokenStore } from '../tokens/token-set';

type LogInCallback = (err?: unknown) => void;
type LogIn = (user: Express.User, options: unknown, done?: LogInCallback) => unknown;
type LogOut = (options: unknown, done: (err?: unknown) => void) => unknown;

/** What must outlive passport 0.7's session regeneration at `req.logIn`. */
export interface LoginCarryOver {
  /** Where the TokenSet goes; `false`: the app keeps the tokens itself (from the verify callback). */
  tokenStore: TokenStore | false;
  tokens: TokenSet;
  returnTo: string | undefined;
  transactions: SessionTransactionStore;
  /** Logins still pending in other tabs when this request's session was loaded. */
  pending: Record<string, LoginTransaction>;
  /** The state this callback consumed: never carried over, whatever the session store still holds. */
  consumedState: string;
}

/** The message of a login completed without a session where the tokens would have gone into the session. */
export const SESSIONLESS_LOGIN_MESSAGE =
  'RobloxStrategy cannot store the Roblox tokens: the login was completed with session: false (NestJS: ' +
  'PassportModule.register({ session: false })), so the session was not regenerated and must not receive tokens. ' +
  'Log in through the session (NestJS: PassportModule.register({ session: true }) or getAuthenticateOptions() ' +
  'returning { session: true }), or pass a tokenStore keyed by user, or set tokenStore: false if you keep the ' +
  'tokens from the verify callback yourself';

/** The message of a login in a session without `regenerate()` (cookie-session without `cookieSessionCompat()`). */
export const NO_REGENERATE_MESSAGE =
  'RobloxStrategy cannot log the user in: Passport 0.7 calls req.session.regenerate() at login, which this session ' +
  'middleware does not provide. With cookie-session, mount cookieSessionCompat() right after cookieSession()';

/** The warning of a successful login whose request never called `req.logIn` (see {@link persistOnLogIn}). */
export const LOGIN_NOT_PERSISTED_WARNING =
  'RobloxStrategy: a Roblox login succeeded but nothing called req.logIn, so its tokens were not stored and the user ' +
  'is not signed in through the session. NestJS: use a guard whose canActivate calls await super.logIn(request) ' +
  '(a plain AuthGuard(\'roblox\') does not); a custom passport.authenticate callback: call req.logIn(user, done); ' +
  'or set tokenStore: false if you keep the tokens from the verify callback yourself';

/** Warning code of {@link LOGIN_NOT_PERSISTED_WARNING} (`process.on('warning', (w) => w.code)`). */
export const LOGIN_NOT_PERSISTED_CODE = 'ROBLOX_LOGIN_NOT_PERSISTED';

// One warning per strategy (its transaction store stands for it), not one per login.
const warned = new WeakSet<object>();

/**
 * Wraps `req.logIn`/`req.login` on this request so that, once Passport has logged the user in (and, in
 * passport 0.7, regenerated the session, dropping everything set before), the TokenSet is persisted through
 * the TokenStore, `req.session.returnTo` is set for `successReturnToOrRedirect`, and other tabs' pending logins
 * are put back; then the caller's callback runs. Works for `passport.authenticate` and for apps that call
 * `req.logIn` themselves from a custom callback. The wrapper runs once.
 *
 * - `session: false`: the session was not regenerated, so nothing goes into it. A store keyed by user (any
 *   TokenStore but the session one) still receives the tokens; with the session store, a request that has a
 *   session fails with {@link SESSIONLESS_LOGIN_MESSAGE} (tokens silently dropped would answer 401 on every
 *   later refresh), and one without sessions stores nothing (a stateless app keeps the verify callback's tokens).
 * - A `TokenStore.set` that fails logs the user out again before the error is passed on: nothing half-done.
 * - A `req.logIn` that throws (a session store that throws, a session without `regenerate()`: cookie-session
 *   without `cookieSessionCompat()`, named in the error) leaves no user on the request.
 * - Pending logins are re-read from the session store just before the session is regenerated, so that a login
 *   another tab started while this callback was running is not lost.
 * - Called without a callback (@fastify/passport's `logIn(user, options)` awaits a promise), it returns a promise
 *   that settles once the tokens are stored, and rejects with what a callback would have received.
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
    // passport's logIn takes a callback; @fastify/passport's is awaited: answer that caller with a promise.
    let settle: LogInCallback = (err) => cb?.(err);
    const settled = cb
      ? undefined
      : new Promise<void>((resolve, reject) => {
          settle = (err) => (err ? reject(err) : resolve());
        });
    const sessionless = (opts as { session?: unknown } | undefined)?.session === false;
    const store = carry.tokenStore;
    if (sessionless && store instanceof SessionTokenStore && sessionOf(req)) {
      settle(new RobloxConfigurationError(SESSIONLESS_LOGIN_MESSAGE));
      return settled;
    }
    const ready = sessionless ? Promise.resolve(carry.pending) : currentPending(req, carry);
    void ready.then((pending) => {
      const loggedIn = (err?: unknown) => {
        if (err) return settle(err);
        const write = sessionless
          ? store && !(store instanceof SessionTokenStore) ? Promise.resolve(store.set(req, carry.tokens)) : Promise.resolve()
          : persist(req, carry, pending);
        write.then(
          () => settle(),
          (cause: unknown) => {
            // Ours, not the store's: its message may name a database or a connection string. Our own errors (e.g.
            // a cookie session refusing tokens, naming the fix) pass as they are.
            const err = cause instanceof RobloxError
              ? cause
              : new RobloxTokenStoreError('The token store could not save the Roblox tokens of this login; the login was undone', { cause });
            if (!sessionless) return undo(req, () => settle(err));
            // No session was touched: only the request's user goes.
            forgetUser(req);
            settle(err);
          },
        );
      };
      let result: unknown;
      try {
        result = original.call(req, user, opts ?? {}, loggedIn);
      } catch (err) {
        // Passport set req.user before it threw, and clears it only on a callback error: nothing half-done.
        forgetUser(req);
        return settle(withoutRegenerate(req) ? new RobloxConfigurationError(NO_REGENERATE_MESSAGE) : err);
      }
      if (isThenable(result)) result.then(() => loggedIn(), (err: unknown) => settle(err));
    });
    return settled;
  };
  target.logIn = wrapped;
  target.login = wrapped;
  warnIfNeverLoggedIn(req, carry, () => target.logIn === wrapped);
}

/**
 * Whether a synchronous throw of Passport's logIn comes from a session without `regenerate()`, the first thing it
 * calls (its own TypeError names no fix). Without a session at all Passport answers through the callback instead.
 */
function withoutRegenerate(req: Request): boolean {
  return typeof (sessionOf(req) as { regenerate?: unknown } | undefined)?.regenerate !== 'function';
}

/**
 * A login whose response ends without `req.logIn` having run (a NestJS plain `AuthGuard`, a custom passport
 * callback that issues its own token) dropped the tokens: say so loudly, once per strategy, with the fix
 * (`process.emitWarning`, printed to stderr by default). With `tokenStore: false` that is the app's choice.
 */
function warnIfNeverLoggedIn(req: Request, carry: LoginCarryOver, neverCalled: () => boolean): void {
  const res = (req as unknown as { res?: { once?: (event: 'finish', listener: () => void) => unknown } }).res;
  if (carry.tokenStore === false || typeof res?.once !== 'function') return;
  res.once('finish', () => {
    if (!neverCalled() || warned.has(carry.transactions)) return;
    warned.add(carry.transactions);
    process.emitWarning(LOGIN_NOT_PERSISTED_WARNING, { code: LOGIN_NOT_PERSISTED_CODE });
  });
}

async function persist(req: Request, carry: LoginCarryOver, pending: Record<string, LoginTransaction>): Promise<void> {
  if (carry.tokenStore) await carry.tokenStore.set(req, carry.tokens);
  const session = sessionOf(req);
  if (!session) return;
  if (Object.keys(pending).length > 0) carry.transactions.restore(req, pending);
  if (carry.returnTo !== undefined) session.returnTo = carry.returnTo;
  checkCookieSize(req);
  // Passport saved the regenerated session; these changes are saved with the response (express-session).
}

/**
 * The other tabs' pending logins as the session store holds them now (this request's copy was loaded when the
 * callback started and misses logins begun since), without the state this callback consumed. Falls back to
 * the request's copy when there is no store (e.g. cookie sessions) or it cannot be read.
 */
async function currentPending(req: Request, carry: LoginCarryOver): Promise<Record<string, LoginTransaction>> {
  const stored = await storedSession(req).catch(() => undefined);
  if (stored === undefined || stored === null) return carry.pending;
  const fresh = carry.transactions.pendingIn(stored);
  delete fresh[carry.consumedState];
  return fresh;
}

/** Clears the user Passport put on the request (its `userProperty`, `user` by default). */
function forgetUser(req: Request): void {
  const r = req as unknown as Record<string, unknown> & { _userProperty?: string };
  r[r._userProperty ?? 'user'] = null;
}

/** Logs the user out again after a failed TokenStore.set, then continues; a failing logout is not masked. */
function undo(req: Request, then: () => void): void {
  const r = req as unknown as { logout?: LogOut };
  if (typeof r.logout !== 'function') return then();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  try {
    // Passport clears the user from the session, saves it, and regenerates it: the saved login is undone.
    // (@fastify/passport's logOut() ignores the callback and returns a promise.)
    const result = r.logout.call(req, {}, once);
    if (isThenable(result)) result.then(once, once);
  } catch {
    once();
  }
}

/**
 * Stores the TokenSet of a linked account (`passport.authorize('roblox')`) for the user already signed in: no login
 * and no session regeneration follow, so it is written at once (nothing with `tokenStore: false`). Cookie-held
 * sessions are checked for size.
 *
 * @example
 * ```ts
 * await persistLink(req, tokenStore, tokens);
 * ```
 */
export async function persistLink(req: Request, tokenStore: TokenStore | false, tokens: TokenSet): Promise<void> {
  if (!tokenStore) return;
  await tokenStore.set(req, tokens);
  checkCookieSize(req);
}
