import type { NextFunction, Request, Response } from 'express';
import { RobloxSignInRequiredError } from '../errors';
import type { SignInRequiredOptions } from './options';

/** Asks the user to sign in again with this message (and the cause, when a provider answer ended the sign-in). */
export type SignIn = (message: string, cause?: unknown) => void;

/**
 * Ends a request whose user must sign in with Roblox again: the app's handler, a redirect, or a 401 that
 * says so in JSON or text. Never throws.
 *
 * @example
 * ```ts
 * if (!tokens) return signInRequired({ redirectTo: '/login' }, 'Sign in with Roblox again: …', req, res, next);
 * ```
 */
export function signInRequired(
  options: SignInRequiredOptions,
  message: string,
  req: Request,
  res: Response,
  next: NextFunction,
  cause?: unknown,
): void {
  const err = new RobloxSignInRequiredError(message, cause === undefined ? undefined : { cause });
  try {
    if (options.onSignInRequired) {
      options.onSignInRequired(err, req, res, next);
      return;
    }
    if (res.headersSent) {
      next(err);
      return;
    }
    res.set('Cache-Control', 'no-store');
    if (options.redirectTo) {
      res.redirect(req.method === 'GET' || req.method === 'HEAD' ? 302 : 303, options.redirectTo);
      return;
    }
    res.status(401);
    if (req.accepts(['json', 'text']) === 'text') {
      res.type('text/plain').send(`${message} (${err.code})\n`);
    } else {
      res.json({ error: 'sign_in_required', code: err.code, message });
    }
  } catch (thrown) {
    next(thrown);
  }
}
