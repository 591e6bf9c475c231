import type { NextFunction, Request, RequestHandler, Response } from 'express';

type Callback = (err?: unknown) => void;

/**
 * Gives cookie-session's `req.session` the `regenerate` and `save` that passport 0.7 calls at login and logout
 * (cookie-session has neither: passport fails with "req.session.regenerate is not a function"). `regenerate` empties
 * the session, as a new session would be; `save` does nothing, since cookie-session writes its cookie with the
 * response. Mount it right after `cookieSession()`, before `passport.session()`.
 *
 * @example
 * ```ts
 * app.use(cookieSession({ name: 'session', keys: [secret], sameSite: 'lax', httpOnly: true }));
 * app.use(cookieSessionCompat());
 * app.use(passport.session());
 * ```
 */
export function cookieSessionCompat(): RequestHandler {
  return function robloxCookieSessionCompat(req: Request, _res: Response, next: NextFunction): void {
    const session = (req as unknown as { session?: unknown }).session as Record<string, unknown> | null | undefined;
    if (session && typeof session === 'object') {
      if (typeof session.regenerate !== 'function') {
        Object.defineProperty(session, 'regenerate', {
          enumerable: false,
          configurable: true,
          value: (cb: Callback) => {
            for (const key of Object.keys(session)) delete session[key];
            cb();
          },
        });
      }
      if (typeof session.save !== 'function') {
        Object.defineProperty(session, 'save', { enumerable: false, configurable: true, value: (cb: Callback) => cb() });
      }
    }
    next();
  };
}
