import { v2 } from './problem';
import type { OpenCloudInventoryItemSeed } from './types';

const TYPE_FIELDS = new Set(['badges', 'gamePasses', 'onlyCollectibles', 'privateServers', 'inventoryItemAssetTypes']);
const ID_FIELDS = new Set(['assetIds', 'badgeIds', 'gamePassIds', 'privateServerIds']);
const BOOLEAN = new Set(['badges', 'gamePasses', 'onlyCollectibles', 'privateServers']);

/** A parsed inventory filter. */
export interface InventoryFilter {
  /** The filter reads private servers or purchased places: the inventory read scope is needed. */
  needsScope: boolean;
  matches(item: OpenCloudInventoryItemSeed, withScope: boolean): boolean;
}

const restricted = (item: OpenCloudInventoryItemSeed) =>
  item.privateServerDetails !== undefined || item.assetDetails?.inventoryItemAssetType === 'PURCHASED_PLACE';

/**
 * Parses Roblox's inventory filter `field=value;field=v1,v2`: type fields and ID fields cannot be mixed,
 * `onlyCollectibles` needs `inventoryItemAssetTypes`, booleans are `true`/`false`; anything else is 400.
 */
export function inventoryFilter(text: string): InventoryFilter {
  const fields = new Map<string, string[]>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = eq === -1 ? '' : part.slice(0, eq).trim();
    if (!TYPE_FIELDS.has(name) && !ID_FIELDS.has(name)) throw v2('INVALID_ARGUMENT', 'Invalid filter field.');
    if (fields.has(name)) throw v2('INVALID_ARGUMENT', 'A filter field is repeated.');
    const values = part.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
    if (values.length === 0) throw v2('INVALID_ARGUMENT', 'A filter field has no value.');
    if (BOOLEAN.has(name) && (values.length !== 1 || !['true', 'false'].includes(values[0] as string))) throw v2('INVALID_ARGUMENT', 'Invalid boolean in filter.');
    if (ID_FIELDS.has(name) && values.some((v) => !/^\d{1,20}$/.test(v))) throw v2('INVALID_ARGUMENT', 'Invalid ID in filter.');
    fields.set(name, values);
  }
  const names = [...fields.keys()];
  if (names.some((n) => TYPE_FIELDS.has(n)) && names.some((n) => ID_FIELDS.has(n))) {
    throw v2('INVALID_ARGUMENT', 'Type fields and ID fields cannot be mixed in a filter.');
  }
  const on = (n: string) => fields.get(n)?.[0] === 'true';
  if (on('onlyCollectibles') && !fields.has('inventoryItemAssetTypes')) throw v2('INVALID_ARGUMENT', 'onlyCollectibles must be used with inventoryItemAssetTypes.');
  const types = fields.get('inventoryItemAssetTypes');
  const needsScope = on('privateServers') || fields.has('privateServerIds') || (types?.includes('PURCHASED_PLACE') ?? false);
  if (names.length === 0) return { needsScope: false, matches: (item, withScope) => withScope || !restricted(item) };
  if (names.some((n) => ID_FIELDS.has(n))) {
    const has = (n: string, v: string | undefined) => v !== undefined && (fields.get(n)?.includes(v) ?? false);
    return {
      needsScope,
      matches: (item) =>
        has('assetIds', item.assetDetails?.assetId) || has('badgeIds', item.badgeDetails?.badgeId) ||
        has('gamePassIds', item.gamePassDetails?.gamePassId) || has('privateServerIds', item.privateServerDetails?.privateServerId),
    };
  }
  return {
    needsScope,
    matches: (item, withScope) => {
      if (item.badgeDetails) return on('badges');
      if (item.gamePassDetails) return on('gamePasses');
      if (item.privateServerDetails) return on('privateServers');
      const a = item.assetDetails;
      if (!a || !types) return false;
      if (a.inventoryItemAssetType === 'PURCHASED_PLACE' && !withScope) return false;
      if (on('onlyCollectibles') && !a.collectibleDetails) return false;
      return types.includes('*') || types.includes(a.inventoryItemAssetType);
    },
  };
}

/** A parsed membership filter: `user == 'users/1'`, `role == 'groups/7/roles/2'`, or `user in ['users/1', …]` (≤ 50). */
export interface MembershipFilter {
  users?: Set<string>;
  role?: string;
}

/** Parses the CEL subset Roblox accepts for memberships (`==` and `in [...]` only); anything else is 400. */
export function membershipFilter(text: string | undefined): MembershipFilter {
  if (text === undefined || text.trim() === '') return {};
  const eq = /^\s*(user|role)\s*==\s*'([^']{1,100})'\s*$/.exec(text);
  if (eq) {
    const value = eq[2] as string;
    if (eq[1] === 'user') {
      if (!/^users\/\d{1,20}$/.test(value)) throw v2('INVALID_ARGUMENT', 'Invalid user in filter.');
      return { users: new Set([value.slice(6)]) };
    }
    if (!/^groups\/[^/]+\/roles\/\d{1,20}$/.test(value)) throw v2('INVALID_ARGUMENT', 'Invalid role in filter.');
    return { role: value };
  }
  const inList = /^\s*user\s+in\s*\[([^\]]*)\]\s*$/.exec(text);
  if (!inList) throw v2('INVALID_ARGUMENT', 'Invalid filter.');
  const items = (inList[1] as string).split(',').map((s) => s.trim());
  const users = new Set<string>();
  for (const item of items) {
    const m = /^'users\/(\d{1,20})'$/.exec(item);
    if (!m) throw v2('INVALID_ARGUMENT', 'Invalid user in filter.');
    users.add(m[1] as string);
  }
  if (users.size === 0 || users.size > 50) throw v2('INVALID_ARGUMENT', 'A user filter names from 1 to 50 users.');
  return { users };
}
