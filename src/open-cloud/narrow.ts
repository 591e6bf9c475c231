import { RobloxResponseError } from '../errors';
import { isObject } from '../tokens/is-object';

type Kind = 'string' | 'number' | 'boolean' | 'object' | 'array';

const kindOf = (v: unknown): Kind | 'other' =>
  Array.isArray(v) ? 'array' : isObject(v) ? 'object' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'other';

/**
 * Narrows an `unknown` body to a resource: an object whose `required` fields exist with the given kinds and
 * whose `optional` fields, when present, have theirs. Anything else is a RobloxResponseError naming `what`.
 *
 * @example
 * ```ts
 * const user = resource<OpenCloudUser>(json, 'a user', { path: 'string', id: 'string' }, { premium: 'boolean' });
 * ```
 */
export function resource<T>(body: unknown, what: string, required: Record<string, Kind>, optional: Record<string, Kind> = {}): T {
  const bad = () => new RobloxResponseError(`Roblox answered ${what} that is not shaped as documented`, 200);
  if (!isObject(body)) throw bad();
  for (const [k, kind] of Object.entries(required)) if (kindOf(body[k]) !== kind) throw bad();
  for (const [k, kind] of Object.entries(optional)) if (body[k] !== undefined && body[k] !== null && kindOf(body[k]) !== kind) throw bad();
  return body as T;
}

/** Narrows a list answer: `field` an array (absent: empty) of resources, `nextPageToken` a string (absent: `''`). */
export function page<T>(body: unknown, field: string, item: (v: unknown) => T): { items: T[]; nextPageToken: string } {
  const bad = () => new RobloxResponseError(`Roblox answered a page of ${field} that is not shaped as documented`, 200);
  if (!isObject(body)) throw bad();
  const raw = body[field] ?? [];
  const token = body.nextPageToken ?? '';
  if (!Array.isArray(raw) || typeof token !== 'string' || token.length > 4096) throw bad();
  return { items: raw.map(item), nextPageToken: token };
}
