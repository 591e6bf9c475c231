import { RobloxError, RobloxIdTokenError, RobloxOAuthError } from '../errors';
import { oauthErrorCode } from '../provider/provider-text';
import type { StateProblem } from './state-store';

/**
 * What the strategy passes to Passport's `fail()` when a login is refused: a message fit to show the user
 * (plain text, never containing provider input beyond a sanitized error code) and a stable `code`.
 *
 * Codes: `ERR_ROBLOX_ACCESS_DENIED` (the user declined consent), `ERR_ROBLOX_AUTHORIZATION` (Roblox redirected
 * back with another error; `error` holds its code), `ERR_ROBLOX_STATE` (state missing, unknown, expired or
 * already used: login CSRF or replay), `ERR_ROBLOX_CALLBACK` (malformed callback: repeated parameters, no code,
 * wrong `iss`), `ERR_ROBLOX_OAUTH` (the token endpoint refused the code: `error` is `invalid_grant`),
 * `ERR_ROBLOX_ID_TOKEN` (missing or unverifiable ID token), `ERR_ROBLOX_USERINFO` (userinfo for another user),
 * `ERR_ROBLOX_LINK` (`passport.authorize('roblox')` with nobody signed in to the site).
 *
 * @example
 * ```ts
 * app.get('/auth/roblox/callback', (req, res, next) =>
 *   passport.authenticate('roblox', (err: unknown, user: unknown, info: RobloxAuthFailure) => {
 *     if (err) return next(err);
 *     if (!user) return res.redirect(`/login?reason=${encodeURIComponent(info.code)}`);
 *     req.logIn(user, (e) => (e ? next(e) : res.redirect('/')));
 *   })(req, res, next));
 * ```
 */
export interface RobloxAuthFailure {
  message: string;
  code: string;
  /** The OAuth error code, sanitized, when Roblox sent one. */
  error?: string;
}

/** An OAuth error code as Roblox may send it; anything else is reported as `invalid_response`. */
export const sanitizeErrorCode = oauthErrorCode;

/** The failure for a refused state. */
export function stateFailure(problem: StateProblem): RobloxAuthFailure {
  const message = {
    missing: 'The sign-in response has no state. Please sign in again.',
    unknown: 'The sign-in response does not match a sign-in started in this browser, or was already used. Please sign in again.',
    expired: 'The sign-in took too long and expired. Please sign in again.',
  }[problem];
  return { message, code: 'ERR_ROBLOX_STATE' };
}

/** The failure for an error Roblox sent back to the redirect URI. */
export function authorizationFailure(error: string): RobloxAuthFailure {
  const code = sanitizeErrorCode(error);
  if (code === 'access_denied') {
    return { message: 'You denied access to your Roblox account, so you were not signed in.', code: 'ERR_ROBLOX_ACCESS_DENIED', error: code };
  }
  return { message: `Roblox could not sign you in (${code}). Please try again.`, code: 'ERR_ROBLOX_AUTHORIZATION', error: code };
}

/** The failure for a malformed callback. */
export function callbackFailure(message: string): RobloxAuthFailure {
  return { message, code: 'ERR_ROBLOX_CALLBACK' };
}

/**
 * Sorts an error thrown during the callback: authentication failures (a code the token endpoint refuses with
 * `invalid_grant`, an ID token that does not verify) become a {@link RobloxAuthFailure}; anything else —
 * outages, malformed answers, misconfiguration such as `invalid_client` — stays an error for `error()`.
 */
export function classifyCallbackError(err: unknown): { fail: RobloxAuthFailure } | { error: unknown } {
  if (err instanceof RobloxOAuthError && err.error === 'invalid_grant') {
    return {
      fail: {
        message: 'Roblox did not accept the sign-in code (it expired or was already used). Please sign in again.',
        code: 'ERR_ROBLOX_OAUTH',
        error: 'invalid_grant',
      },
    };
  }
  if (err instanceof RobloxIdTokenError) {
    const reason = err.message.replace(/^ID token rejected: /, '');
    return { fail: { message: `The ID token from Roblox could not be verified (${reason}).`, code: 'ERR_ROBLOX_ID_TOKEN' } };
  }
  if (err instanceof RobloxError || err instanceof Error) return { error: err };
  return { error: new Error('RobloxStrategy failed with a non-error value') };
}
