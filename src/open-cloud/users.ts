import { RobloxInvalidArgumentError, RobloxOpenCloudError, RobloxTimeoutError } from '../errors';
import type { OpenCloudClient } from './client';
import { pageSize, robloxId } from './ids';
import { page, resource } from './narrow';
import { OpenCloudPager } from './pager';
import type {
  OpenCloudInventoryFilter, OpenCloudInventoryItem, OpenCloudOperation, OpenCloudPageOptions, OpenCloudThumbnail, OpenCloudThumbnailOptions, OpenCloudUser,
} from './types';

const SIZES = new Set([48, 50, 60, 75, 100, 110, 150, 180, 352, 420, 720]);
const OPERATION_PATH = /^users\/\d{1,20}\/operations\/[A-Za-z0-9_-]{1,128}$/;

/** Keeps only https links among a user's social profiles: a URL from the provider is checked before it is exposed. */
function httpsOnly(profiles: Record<string, unknown>): OpenCloudUser['socialNetworkProfiles'] {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(profiles)) {
    if (typeof v !== 'string') continue;
    if (k === 'visibility') {
      if (/^[A-Z_]{1,64}$/.test(v)) out[k] = v;
      continue;
    }
    try {
      if (new URL(v).protocol === 'https:') out[k] = v;
    } catch {
      // not a URL: dropped
    }
  }
  return out;
}

const userOf = (v: unknown) => {
  const user = resource<OpenCloudUser>(v, 'a user', { path: 'string', id: 'string', name: 'string', displayName: 'string' }, {
    createTime: 'string', about: 'string', locale: 'string', premium: 'boolean', idVerified: 'boolean', socialNetworkProfiles: 'object',
  });
  if (user.socialNetworkProfiles) user.socialNetworkProfiles = httpsOnly(user.socialNetworkProfiles as Record<string, unknown>);
  return user;
};
const operationOf = (v: unknown) => resource<OpenCloudOperation<OpenCloudThumbnail>>(v, 'an operation', { path: 'string' }, { done: 'boolean', response: 'object', error: 'object' });
const itemOf = (v: unknown) =>
  resource<OpenCloudInventoryItem>(v, 'an inventory item', { path: 'string' }, {
    addTime: 'string', assetDetails: 'object', badgeDetails: 'object', gamePassDetails: 'object', privateServerDetails: 'object',
  });

/** Options of {@link UsersApi.thumbnail}: the picture's options plus how long to poll. */
export interface OpenCloudThumbnailWaitOptions extends OpenCloudThumbnailOptions {
  /** First poll delay in ms, doubled each time up to 2 s (default 250). */
  pollIntervalMs?: number;
  /** Give up after this many ms (default 30 000). */
  maxWaitMs?: number;
}

/** Builds Roblox's inventory filter text (`badges=true;inventoryItemAssetTypes=HAT,FACE`), refusing what Roblox refuses. */
export function inventoryFilterText(f: OpenCloudInventoryFilter = {}): string | undefined {
  const bad = (why: string) => new RobloxInvalidArgumentError(`The inventory filter ${why}`, { providerStatus: 0 });
  const parts: string[] = [];
  const idField = (name: keyof OpenCloudInventoryFilter, v: unknown) => {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length === 0) throw bad(`${name} must be a non-empty array of IDs`);
    parts.push(`${name}=${v.map((x) => robloxId(x, `${name} entry`)).join(',')}`);
  };
  for (const name of ['assetIds', 'badgeIds', 'gamePassIds', 'privateServerIds'] as const) idField(name, f[name]);
  const hasIds = parts.length > 0;
  for (const name of ['badges', 'gamePasses', 'privateServers', 'onlyCollectibles'] as const) {
    if (f[name] === undefined) continue;
    if (typeof f[name] !== 'boolean') throw bad(`${name} must be a boolean`);
    parts.push(`${name}=${f[name]}`);
  }
  const types = f.inventoryItemAssetTypes;
  if (types !== undefined) {
    if (types !== '*' && (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== 'string' || !/^[A-Z0-9_]{1,64}$/.test(t)))) {
      throw bad('inventoryItemAssetTypes must be "*" or asset type names such as HAT');
    }
    parts.push(`inventoryItemAssetTypes=${types === '*' ? '*' : types.join(',')}`);
  }
  if (hasIds && parts.length > parts.filter((p) => /Ids=/.test(p)).length) throw bad('cannot mix ID fields and type fields');
  if (f.onlyCollectibles && types === undefined) throw bad('needs inventoryItemAssetTypes with onlyCollectibles');
  return parts.length ? parts.join(';') : undefined;
}

/** `cloud.users`: Get User, Generate User Thumbnail (polled), List Inventory Items. */
export class UsersApi {
  constructor(private readonly cloud: OpenCloudClient) {}

  /**
   * A user's profile. `idVerified` comes with `user.advanced:read`, `socialNetworkProfiles` with `user.social:read`.
   * Roblox allows 10 calls a minute per user and app.
   *
   * @example
   * ```ts
   * const { name, displayName, premium } = await cloud.users.get('1516563360');
   * ```
   */
  async get(userId: string): Promise<OpenCloudUser> {
    return this.cloud.request({ method: 'GET', path: `/cloud/v2/users/${robloxId(userId, 'user ID')}`, parse: userOf, what: 'reading a user' });
  }

  /** Starts a thumbnail: the long-running operation as Roblox returns it (see {@link thumbnail} to wait for it). */
  async generateThumbnail(userId: string, options: OpenCloudThumbnailOptions = {}): Promise<OpenCloudOperation<OpenCloudThumbnail>> {
    if (options.size !== undefined && !SIZES.has(options.size)) throw new RobloxInvalidArgumentError('The thumbnail size must be one of Roblox\'s sizes (48 … 720)', { providerStatus: 0 });
    if (options.format !== undefined && !['PNG', 'JPEG'].includes(options.format)) throw new RobloxInvalidArgumentError('The thumbnail format must be PNG or JPEG', { providerStatus: 0 });
    if (options.shape !== undefined && !['ROUND', 'SQUARE'].includes(options.shape)) throw new RobloxInvalidArgumentError('The thumbnail shape must be ROUND or SQUARE', { providerStatus: 0 });
    return this.cloud.request({
      method: 'GET',
      path: `/cloud/v2/users/${robloxId(userId, 'user ID')}:generateThumbnail`,
      query: { size: options.size, format: options.format, shape: options.shape },
      parse: operationOf,
      what: 'generating a thumbnail',
    });
  }

  /** Polls a thumbnail operation once, by the `path` Roblox returned. */
  async operation(path: string): Promise<OpenCloudOperation<OpenCloudThumbnail>> {
    if (typeof path !== 'string' || !OPERATION_PATH.test(path)) throw new RobloxInvalidArgumentError('The operation path must be users/{id}/operations/{id}', { providerStatus: 0 });
    return this.cloud.request({ method: 'GET', path: `/cloud/v2/${path}`, parse: operationOf, what: 'reading a thumbnail operation' });
  }

  /**
   * The user's avatar headshot: starts the operation and polls it with exponential backoff until done.
   *
   * @example
   * ```ts
   * const { imageUri } = await cloud.users.thumbnail('1516563360', { size: 150, shape: 'SQUARE' });
   * ```
   */
  async thumbnail(userId: string, options: OpenCloudThumbnailWaitOptions = {}): Promise<OpenCloudThumbnail> {
    const { pollIntervalMs = 250, maxWaitMs = 30_000, ...picture } = options;
    const deadline = Date.now() + maxWaitMs;
    let op = await this.generateThumbnail(userId, picture);
    let delay = pollIntervalMs;
    while (!op.done) {
      if (!OPERATION_PATH.test(op.path)) throw new RobloxOpenCloudError('ERR_ROBLOX_OPEN_CLOUD', 'Roblox answered a thumbnail operation with an unexpected path', { providerStatus: 200 });
      if (Date.now() + delay > deadline) throw new RobloxTimeoutError(`The thumbnail was not ready within ${maxWaitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2000);
      op = await this.operation(op.path);
    }
    if (op.error || typeof op.response?.imageUri !== 'string') {
      throw new RobloxOpenCloudError('ERR_ROBLOX_OPEN_CLOUD', 'Roblox could not make the thumbnail', { providerStatus: 200, providerCode: typeof op.error?.code === 'number' ? String(op.error.code) : undefined });
    }
    const uri = new URL(op.response.imageUri);
    if (uri.protocol !== 'https:' && !(uri.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(uri.hostname))) {
      throw new RobloxOpenCloudError('ERR_ROBLOX_OPEN_CLOUD', 'Roblox answered a thumbnail URL that is not https', { providerStatus: 200 });
    }
    return { imageUri: uri.toString() };
  }

  /**
   * The user's inventory, page by page (default 10, at most 100 a page). A private inventory needs
   * `user.inventory-item:read` from that same user; so do private servers and purchased places.
   *
   * @example
   * ```ts
   * for await (const item of cloud.users.inventory(id, { inventoryItemAssetTypes: ['HAT'] })) console.log(item.assetDetails?.assetId);
   * ```
   */
  inventory(userId: string, filter: OpenCloudInventoryFilter & OpenCloudPageOptions = {}): OpenCloudPager<OpenCloudInventoryItem> {
    const { maxPageSize, ...rest } = filter;
    const path = `/cloud/v2/users/${robloxId(userId, 'user ID')}/inventory-items`;
    const query = { maxPageSize: pageSize(maxPageSize, 100), filter: inventoryFilterText(rest) };
    return new OpenCloudPager((pageToken) =>
      this.cloud.request({ method: 'GET', path, query: { ...query, pageToken }, parse: (b) => page(b, 'inventoryItems', itemOf), what: 'listing inventory items' }),
    );
  }
}
