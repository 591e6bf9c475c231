import { isObject } from '../tokens/is-object';
import { isLoopbackHost } from './http';
import type { RobloxIdTokenClaims } from './id-token';

/**
 * A Roblox user in Passport's profile shape. `id` is the Roblox user ID (the `sub`): use it as the identity,
 * since usernames and display names change. There is no email: Roblox does not give one.
 */
export interface RobloxProfile {
  provider: 'roblox';
  /** The Roblox user ID (`sub`). */
  id: string;
  /** The Roblox username (`preferred_username`), when the `profile` scope was granted. */
  username?: string;
  /** The display name (`name`), falling back to the username, then the user ID. */
  displayName: string;
  /** `https://www.roblox.com/users/<id>/profile`; only an absolute https URL (http only on a loopback host). */
  profileUrl?: string;
  /** The avatar headshot; empty when Roblox has none (`picture: null`) or sent something other than a safe URL. */
  photos: { value: string }[];
  /** When the Roblox account was created; only a time between Roblox's founding (2004) and now plus a day. */
  createdAt?: Date;
  /** The verified ID-token claims of this login, when there was an ID token. */
  claims?: RobloxIdTokenClaims;
  /** The userinfo body as received (or the ID token payload when userinfo was skipped). */
  _raw: string;
  /** The parsed userinfo claims (or ID-token claims when userinfo was skipped). */
  _json: Record<string, unknown>;
}

/**
 * Maps userinfo (or ID-token) claims to a RobloxProfile. Pure; throws a TypeError when `sub` is missing.
 * Every value is checked before it is typed: URLs must be absolute https (http on loopback hosts, for the
 * emulator), names free of control characters and at most 256 characters, `created_at` a plausible time.
 * A value that fails is left out of the typed fields; `_json` keeps the claims as received.
 *
 * @example
 * ```ts
 * const profile = parseProfile({ sub: '1516563360', preferred_username: 'exampleuser', picture: null });
 * profile.photos; // []
 * ```
 */
export function parseProfile(json: unknown, raw?: string, claims?: RobloxIdTokenClaims): RobloxProfile {
  if (!isObject(json) || typeof json.sub !== 'string' || json.sub === '') {
    throw new TypeError('Roblox user claims have no sub');
  }
  const username = safeName(json.preferred_username);
  const picture = safeURL(json.picture);
  const profile: RobloxProfile = {
    provider: 'roblox',
    id: json.sub,
    displayName: safeName(json.name) ?? safeName(json.nickname) ?? username ?? json.sub,
    photos: picture ? [{ value: picture }] : [],
    _raw: raw ?? JSON.stringify(json),
    _json: json,
  };
  if (username) profile.username = username;
  const profileUrl = safeURL(json.profile);
  if (profileUrl) profile.profileUrl = profileUrl;
  const createdAt = safeCreatedAt(json.created_at);
  if (createdAt) profile.createdAt = createdAt;
  if (claims) profile.claims = claims;
  return profile;
}

/** A name fit to show: a non-empty string of at most 256 characters without control characters. */
function safeName(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= 256 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)
    ? value
    : undefined;
}

/**
 * A URL fit to link to or load: absolute https (or http on a loopback host), no credentials, at most 2048
 * characters. `javascript:`, `data:`, relative and protocol-relative values are refused. Returned normalized.
 */
function safeURL(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return url.href;
  return undefined;
}

/** Roblox was founded in 2004: an account cannot be older. */
const EARLIEST_ACCOUNT_S = Date.UTC(2004, 0, 1) / 1000;

/** `created_at` (seconds since the epoch) as a Date, only between 2004 and a day from now. */
function safeCreatedAt(value: unknown): Date | undefined {
  const s = typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]{1,12}$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(s) || s < EARLIEST_ACCOUNT_S || s > Date.now() / 1000 + 86_400) return undefined;
  return new Date(s * 1000);
}
