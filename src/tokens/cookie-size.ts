import type { Request } from 'express';
import { RobloxConfigurationError } from '../errors';
import { cookieSessionKind } from './session';

/** Browsers keep a cookie only while its name, value and attributes fit in this many bytes (RFC 6265 §6.1). */
export const COOKIE_LIMIT = 4096;
// Room for the cookie's name and attributes (Path, Expires, Domain, SameSite, Secure, HttpOnly).
const ATTRIBUTES_ALLOWANCE = 200;

const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4;

/**
 * The size in bytes of the session cookie a cookie-held session will send now (its value, plus room for the name
 * and attributes), or undefined for a server-side session. cookie-session sends base64 JSON; @fastify/secure-session
 * sends base64 of the encrypted JSON (16 bytes of MAC), `;` and the base64 24-byte nonce.
 *
 * @example
 * ```ts
 * const bytes = sessionCookieSize(req);   // e.g. 612 after login with tokens kept server-side
 * ```
 */
export function sessionCookieSize(req: Request): number | undefined {
  const kind = cookieSessionKind(req);
  if (!kind) return undefined;
  const session = (req as unknown as { session: { data?: () => unknown } }).session;
  if (kind === 'cookie-session') {
    return base64Length(Buffer.byteLength(JSON.stringify(session))) + ATTRIBUTES_ALLOWANCE;
  }
  const data = { __ts: 0, ...(session.data?.() as object) };
  return base64Length(Buffer.byteLength(JSON.stringify(data)) + 16) + 1 + base64Length(24) + ATTRIBUTES_ALLOWANCE;
}

/**
 * Throws a RobloxConfigurationError when a cookie-held session has grown past what a browser keeps, so that a login
 * fails loudly instead of its cookie being dropped silently.
 *
 * @example
 * ```ts
 * checkCookieSize(req);   // after writing to req.session
 * ```
 */
export function checkCookieSize(req: Request): void {
  const size = sessionCookieSize(req);
  if (size === undefined || size <= COOKIE_LIMIT) return;
  throw new RobloxConfigurationError(
    `The session cookie would be about ${size} bytes, over the ${COOKIE_LIMIT} bytes browsers keep: keep the user object ` +
      'small in serializeUser and keep Roblox tokens in a server-side tokenStore (see docs/sessions.md)',
  );
}
