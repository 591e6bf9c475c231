/** Fields every Open Cloud resource has: its resource path, e.g. `users/123`. */
export interface OpenCloudResource {
  path: string;
}

/** `GET /cloud/v2/users/{id}`. `idVerified` needs `user.advanced:read`; `socialNetworkProfiles` needs `user.social:read`. */
export interface OpenCloudUser extends OpenCloudResource {
  id: string;
  /** The username. */
  name: string;
  displayName: string;
  createTime?: string;
  about?: string;
  locale?: string;
  premium?: boolean;
  idVerified?: boolean;
  socialNetworkProfiles?: {
    facebook?: string; twitter?: string; youtube?: string; twitch?: string; guilded?: string;
    visibility?: 'SOCIAL_NETWORK_VISIBILITY_UNSPECIFIED' | 'NO_ONE' | 'FRIENDS' | 'FRIENDS_AND_FOLLOWING' | 'FRIENDS_FOLLOWING_AND_FOLLOWERS' | 'EVERYONE';
  };
}

/** Options of `users.thumbnail()`. */
export interface OpenCloudThumbnailOptions {
  /** One of Roblox's sizes (48 … 720); default 420. */
  size?: 48 | 50 | 60 | 75 | 100 | 110 | 150 | 180 | 352 | 420 | 720;
  format?: 'PNG' | 'JPEG';
  shape?: 'ROUND' | 'SQUARE';
}

/** A long-running operation, as `:generateThumbnail` returns and its `path` answers when polled. */
export interface OpenCloudOperation<R = Record<string, unknown>> extends OpenCloudResource {
  done?: boolean;
  metadata?: Record<string, unknown>;
  response?: R & { '@type'?: string };
  error?: { code?: number; message?: string; details?: unknown[] };
}

/** The finished thumbnail. */
export interface OpenCloudThumbnail {
  imageUri: string;
}

/** One inventory item: exactly one of the `*Details` fields is set. */
export interface OpenCloudInventoryItem extends OpenCloudResource {
  addTime?: string;
  assetDetails?: {
    assetId: string;
    inventoryItemAssetType: string;
    instanceId?: string;
    collectibleDetails?: { itemId?: string; instanceId?: string; instanceState?: string; serialNumber?: string };
  };
  badgeDetails?: { badgeId: string };
  gamePassDetails?: { gamePassId: string };
  privateServerDetails?: { privateServerId: string };
}

/**
 * Filters of `users.inventory()`. Type filters (`badges`, `gamePasses`, `privateServers`, `inventoryItemAssetTypes`,
 * `onlyCollectibles`) and ID filters (`assetIds`, …) cannot be mixed; `onlyCollectibles` needs
 * `inventoryItemAssetTypes`; private servers and purchased places need `user.inventory-item:read`.
 */
export interface OpenCloudInventoryFilter {
  badges?: boolean;
  gamePasses?: boolean;
  privateServers?: boolean;
  onlyCollectibles?: boolean;
  /** Asset types such as `HAT`, or `'*'` for all. */
  inventoryItemAssetTypes?: string[] | '*';
  assetIds?: string[];
  badgeIds?: string[];
  gamePassIds?: string[];
  privateServerIds?: string[];
}

/** `GET /cloud/v2/groups/{id}`. */
export interface OpenCloudGroup extends OpenCloudResource {
  id: string;
  displayName: string;
  description?: string;
  /** The owner's path (`users/123`); absent for an abandoned group. */
  owner?: string;
  memberCount?: number;
  publicEntryAllowed?: boolean;
  locked?: boolean;
  verified?: boolean;
  createTime?: string;
  updateTime?: string;
}

/** One group membership. Prefer `roles` (every role held) to `role` (the highest). */
export interface OpenCloudGroupMembership extends OpenCloudResource {
  /** `users/{id}`. */
  user: string;
  role?: string;
  roles?: string[];
  createTime?: string;
  updateTime?: string;
}

/** Filters of `groups.memberships()`: one user, up to 50 users, or one role (by ID). */
export interface OpenCloudMembershipFilter {
  user?: string | string[];
  role?: string;
}

/** One group role. `permissions` is present only where Roblox shows it (see the guide). */
export interface OpenCloudGroupRole extends OpenCloudResource {
  id: string;
  displayName: string;
  rank: number;
  memberCount?: number;
  description?: string;
  createTime?: string;
  updateTime?: string;
  permissions?: Record<string, boolean>;
}

/** `GET /cloud/v2/universes/{id}`. Owned by `user` or `group` (a resource path). */
export interface OpenCloudUniverse extends OpenCloudResource {
  displayName: string;
  description?: string;
  user?: string;
  group?: string;
  visibility?: 'VISIBILITY_UNSPECIFIED' | 'PUBLIC' | 'PRIVATE';
  rootPlace?: string;
  createTime?: string;
  updateTime?: string;
  voiceChatEnabled?: boolean;
  ageRating?: string;
  privateServerPriceRobux?: number;
  desktopEnabled?: boolean;
  mobileEnabled?: boolean;
  tabletEnabled?: boolean;
  consoleEnabled?: boolean;
  vrEnabled?: boolean;
}

/** The body of `universes.restartServers()`. */
export interface OpenCloudRestartServersRequest {
  /** Places to restart; none = every active place. */
  placeIds?: number[];
  /** false: restart only servers not on the newest version. */
  closeAllVersions?: boolean;
  bleedOffServers?: boolean;
  /** 1–60. */
  bleedOffDurationMinutes?: number;
}

/** Paging options of the list methods. `maxPageSize` above Roblox's maximum is clamped, as Roblox does. */
export interface OpenCloudPageOptions {
  maxPageSize?: number;
}

/** One page of a list. */
export interface OpenCloudPage<T> {
  items: T[];
  /** `''` on the last page. */
  nextPageToken: string;
}
