import { RobloxResponseError } from '../errors';
import { isObject } from '../tokens/is-object';

/** An account that authorized the app: a user, or a group the user manages. */
export interface RobloxResourceOwner {
  type: 'User' | 'Group';
  id: string;
}

/** An experience (universe) the user allowed the app to act on, with the account that owns it. */
export interface RobloxAuthorizedUniverse {
  id: string;
  owner: RobloxResourceOwner;
}

/**
 * What a user authorized the app for, from Roblox's `resource_infos`, in a friendly shape.
 * `creators` are the accounts the app may act as (e.g. to upload assets); Roblox's `"U"` is resolved to the
 * owner's own account.
 */
export interface RobloxAuthorizedResources {
  universes: RobloxAuthorizedUniverse[];
  creators: RobloxResourceOwner[];
  /** Every owner that appears, users and groups alike. */
  owners: RobloxResourceOwner[];
}

/** A Roblox ID: digits only (as a string or a safe integer), so that nothing else is ever exposed as one. */
function robloxId(id: unknown): string | undefined {
  if (typeof id === 'number') return Number.isSafeInteger(id) && id > 0 ? String(id) : undefined;
  return typeof id === 'string' && /^[0-9]{1,20}$/.test(id) ? id : undefined;
}

/** The `ids` of a resource entry; `'U'` (the owner itself) only where Roblox uses it, for creator rights. */
function ids(value: unknown, ownerMarker = false): string[] {
  if (!isObject(value) || !Array.isArray(value.ids)) return [];
  return value.ids.flatMap((id) => (ownerMarker && id === 'U' ? ['U'] : (robloxId(id) ?? [])));
}

/**
 * Maps a `POST v1/token/resources` body to {@link RobloxAuthorizedResources}. Pure; throws
 * RobloxResponseError when the body is not Roblox's shape. Entries whose IDs are not Roblox IDs (digits) are
 * left out.
 */
export function parseResources(body: unknown): RobloxAuthorizedResources {
  if (!isObject(body) || !Array.isArray(body.resource_infos)) {
    throw new RobloxResponseError('The resources endpoint answered without resource_infos', 200);
  }
  const result: RobloxAuthorizedResources = { universes: [], creators: [], owners: [] };
  const seen = new Set<string>();
  for (const info of body.resource_infos) {
    if (!isObject(info) || !isObject(info.owner)) continue;
    const { type } = info.owner;
    const id = robloxId(info.owner.id);
    if (id === undefined || (type !== 'User' && type !== 'Group')) continue;
    const owner: RobloxResourceOwner = { type, id };
    result.owners.push(owner);
    const resources = isObject(info.resources) ? info.resources : {};
    for (const universe of ids(resources.universe)) result.universes.push({ id: universe, owner });
    for (const creator of ids(resources.creator, true)) {
      const account: RobloxResourceOwner = creator === 'U' ? owner : { type: owner.type, id: creator };
      const key = `${account.type}:${account.id}`;
      if (!seen.has(key)) {
        seen.add(key);
        result.creators.push(account);
      }
    }
  }
  return result;
}
