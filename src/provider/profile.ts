import { isObject } from '../tokens/is-object';
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
  /** `https://www.roblox.com/users/<id>/profile`. */
  profileUrl?: string;
  /** The avatar headshot; empty when Roblox has none (`picture: null`). */
  photos: { value: string }[];
  /** When the Roblox account was created. */
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
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const username = str(json.preferred_username);
  const profile: RobloxProfile = {
    provider: 'roblox',
    id: json.sub,
    displayName: str(json.name) ?? str(json.nickname) ?? username ?? json.sub,
    photos: str(json.picture) ? [{ value: json.picture as string }] : [],
    _raw: raw ?? JSON.stringify(json),
    _json: json,
  };
  if (username) profile.username = username;
  const profileUrl = str(json.profile);
  if (profileUrl) profile.profileUrl = profileUrl;
  const created = typeof json.created_at === 'number' ? json.created_at : Number(str(json.created_at));
  if (Number.isFinite(created)) profile.createdAt = new Date(created * 1000);
  if (claims) profile.claims = claims;
  return profile;
}
