import { RobloxInvalidArgumentError } from '../errors';

/**
 * Checks a Roblox ID given for a path segment (digits only, at most 20) and returns it; anything else is refused
 * before sending, so no caller input can change the path.
 *
 * @example
 * ```ts
 * `/cloud/v2/users/${robloxId(userId, 'user ID')}`
 * ```
 */
export function robloxId(value: unknown, what: string): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  throw new RobloxInvalidArgumentError(`The ${what} must be a Roblox ID (digits)`, { providerStatus: 0 });
}

/** Clamps a page size as Roblox does (above the maximum: the maximum); below 1 or not an integer: refused. */
export function pageSize(value: unknown, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RobloxInvalidArgumentError('maxPageSize must be a positive integer', { providerStatus: 0 });
  }
  return Math.min(value, max);
}

/** The resource ID at the end of a path such as `users/123` (for convenience in apps). */
export function idOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
