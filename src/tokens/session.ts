import type { Request } from 'express';

/** What this package uses of a session (express-session's, or any middleware's that sets `req.session`). */
export interface SessionLike {
  [key: string]: unknown;
  save?: (cb: (err?: unknown) => void) => void;
  destroy?: (cb: (err?: unknown) => void) => void;
  /** express-session: replaces `req.session` with the copy in the session store. */
  reload?: (cb: (err?: unknown) => void) => void;
}

/** Sessions read and written with `get(key)`/`set(key, value)`: @fastify/secure-session, @fastify/session. */
interface GetSetSession {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

const views = new WeakMap<object, SessionLike>();

function isGetSet(session: object): session is GetSetSession {
  const s = session as Record<string, unknown>;
  return typeof s.get === 'function' && typeof s.set === 'function';
}

// @fastify/secure-session's own proxy ignores `delete session.key`, and a value changed in place is saved only
// after a set(): every read and write goes through get/set here, deletion included.
function getSetView(session: GetSetSession): SessionLike {
  return new Proxy(session as unknown as SessionLike, {
    get(target, prop) {
      const own: unknown = Reflect.get(target, prop);
      if (typeof own === 'function') return (own as Function).bind(target);
      return typeof prop === 'string' ? session.get(prop) : undefined;
    },
    set(_target, prop, value) {
      if (typeof prop === 'string') session.set(prop, value);
      return true;
    },
    deleteProperty(_target, prop) {
      if (typeof prop === 'string') session.set(prop, undefined);
      return true;
    },
    has(_target, prop) {
      return typeof prop === 'string' && session.get(prop) !== undefined;
    },
  });
}

/**
 * `req.session` when session middleware set one, else undefined. Sessions read with `get`/`set`
 * (@fastify/secure-session, @fastify/session) are returned as a view whose properties go through get/set.
 *
 * @example
 * ```ts
 * const session = sessionOf(req);
 * if (!session) throw new RobloxConfigurationError('add express-session before passport');
 * ```
 */
export function sessionOf(req: Request): SessionLike | undefined {
  const session = (req as unknown as { session?: unknown }).session;
  if (typeof session !== 'object' || session === null || Array.isArray(session)) return undefined;
  if (!isGetSet(session)) return session as SessionLike;
  let view = views.get(session);
  if (!view) {
    view = getSetView(session);
    views.set(session, view);
  }
  return view;
}

/**
 * The request's session as its session store holds it now (express-session's `req.sessionStore`), which may be
 * newer than the copy loaded when the request started. Resolves to the stored data, `null` when the session is
 * gone from the store, or `undefined` when there is no store to ask (e.g. cookie sessions); rejects when the
 * store cannot be read (an outage), so that callers can tell an outage from a session that is gone.
 *
 * @example
 * ```ts
 * const stored = await storedSession(req).catch(() => undefined);
 * ```
 */
export function storedSession(req: Request): Promise<unknown> {
  const { sessionStore, sessionID } = req as unknown as {
    sessionStore?: { get?: (id: string, cb: (err: unknown, session?: unknown) => void) => void };
    sessionID?: unknown;
  };
  if (typeof sessionStore?.get !== 'function' || typeof sessionID !== 'string') return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    try {
      sessionStore.get?.(sessionID, (err, stored) => (err ? reject(err) : resolve(stored ?? null)));
    } catch (err) {
      reject(err);
    }
  });
}

/** The kinds of session whose whole content travels in a cookie (4,096 bytes at most in browsers). */
export type CookieSessionKind = 'cookie-session' | 'secure-session';

/**
 * Which cookie-held session the request has, if any: cookie-session's (`isPopulated`, `req.sessionOptions`) or
 * @fastify/secure-session's (`data()`, `changed`, `deleted`). Undefined for server-side sessions.
 *
 * @example
 * ```ts
 * if (cookieSessionKind(req)) throw new RobloxConfigurationError('keep tokens out of cookie sessions');
 * ```
 */
export function cookieSessionKind(req: Request): CookieSessionKind | undefined {
  const r = req as unknown as { session?: unknown; sessionOptions?: unknown };
  const session = r.session;
  if (typeof session !== 'object' || session === null) return undefined;
  if (typeof r.sessionOptions === 'object' && r.sessionOptions !== null && 'isPopulated' in session) return 'cookie-session';
  const s = session as Record<string, unknown>;
  if (typeof s.data === 'function' && typeof s.changed === 'boolean' && typeof s.deleted === 'boolean') return 'secure-session';
  return undefined;
}

/** True for a promise or anything with a `then` method. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';

/**
 * Ends the request's session, whatever kept it: `destroy()` (express-session, @fastify/session; callback or
 * promise), `delete()` (@fastify/secure-session: the cookie is cleared), or `req.session = null` (cookie-session).
 * `earlier` is the session the request had before a logout regenerated it: @fastify/session 10's `regenerate()`
 * leaves the old session in its store, still valid for the old cookie, so it is destroyed too.
 *
 * @example
 * ```ts
 * const before = req.session;
 * await logOut(req);
 * await endSession(req, before);
 * ```
 */
export async function endSession(req: Request, earlier?: unknown): Promise<void> {
  await endCurrentSession(req);
  const destroy = (earlier as { destroy?: unknown } | null | undefined)?.destroy;
  const current = (req as unknown as { session?: unknown }).session;
  if (earlier && earlier !== current && typeof destroy === 'function') await destroyWith(earlier, destroy);
}

function destroyWith(session: unknown, destroy: Function): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve());
    const result: unknown = (destroy as (cb: (err?: unknown) => void) => unknown).call(session, settle);
    if (isThenable(result)) result.then(() => resolve(), settle);
  });
}

async function endCurrentSession(req: Request): Promise<void> {
  const kind = cookieSessionKind(req);
  const r = req as unknown as { session?: unknown };
  if (kind === 'cookie-session') {
    r.session = null;
    return;
  }
  const session = r.session as { destroy?: unknown; delete?: unknown } | undefined;
  if (kind === 'secure-session' && typeof session?.delete === 'function') {
    (session.delete as () => void)();
    return;
  }
  const destroy = session?.destroy;
  if (typeof destroy === 'function') await destroyWith(session, destroy);
}
