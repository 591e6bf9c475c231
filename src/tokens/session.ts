import type { Request } from 'express';

/** What this package uses of a session (express-session's, or any middleware's that sets `req.session`). */
export interface SessionLike {
  [key: string]: unknown;
  save?: (cb: (err?: unknown) => void) => void;
  destroy?: (cb: (err?: unknown) => void) => void;
  /** express-session: replaces `req.session` with the copy in the session store. */
  reload?: (cb: (err?: unknown) => void) => void;
}

/**
 * `req.session` when session middleware set one, else undefined.
 *
 * @example
 * ```ts
 * const session = sessionOf(req);
 * if (!session) throw new RobloxConfigurationError('add express-session before passport');
 * ```
 */
export function sessionOf(req: Request): SessionLike | undefined {
  const session = (req as unknown as { session?: unknown }).session;
  return typeof session === 'object' && session !== null && !Array.isArray(session) ? (session as SessionLike) : undefined;
}
