import type { IncomingHttpHeaders } from 'node:http';
import type { RobloxRateLimitInfo } from '../errors';

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
};

const count = (v: string | undefined): number | undefined => (v !== undefined && /^\s*\d{1,12}\s*$/.test(v) ? Number(v) : undefined);

/**
 * Reads Roblox's `x-ratelimit-limit`, `-remaining` and `-reset` headers; undefined when none is there or usable.
 *
 * @example
 * ```ts
 * rateLimitOf(res.headers);   // { limit: '10, 10;w=60', remaining: 9, resetSeconds: 60, resetAt: … }
 * ```
 */
export function rateLimitOf(headers: IncomingHttpHeaders, now: number = Date.now()): RobloxRateLimitInfo | undefined {
  const info: RobloxRateLimitInfo = {};
  const limit = header(headers, 'x-ratelimit-limit');
  if (limit !== undefined && /^[\x20-\x7e]{1,200}$/.test(limit)) info.limit = limit;
  const remaining = count(header(headers, 'x-ratelimit-remaining'));
  if (remaining !== undefined) info.remaining = remaining;
  const reset = count(header(headers, 'x-ratelimit-reset'));
  if (reset !== undefined) {
    info.resetSeconds = reset;
    info.resetAt = now + reset * 1000;
  }
  return Object.keys(info).length ? info : undefined;
}

/**
 * The wait a 429 asks for, in ms: `retry-after` as seconds or an HTTP date; undefined when absent or unreadable
 * (then the caller backs off exponentially, as Roblox advises).
 */
export function retryAfterMs(headers: IncomingHttpHeaders, now: number = Date.now()): number | undefined {
  const v = header(headers, 'retry-after')?.trim();
  if (v === undefined || v === '') return undefined;
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
