import type { Request } from 'express';

/**
 * The default key of a request's tokens in a server-side TokenStore: the signed-in user's `id` (a non-empty string,
 * or a finite number as its decimal string); undefined when no user is signed in.
 *
 * @example
 * ```ts
 * userKey(req);   // '1516563360' once passport has set req.user = { id: '1516563360', … }
 * ```
 */
export function userKey(req: Request): string | undefined {
  const id = (req.user as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' && id !== '' ? id : typeof id === 'number' && Number.isFinite(id) ? String(id) : undefined;
}
