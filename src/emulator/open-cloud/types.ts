import type { EmulatorFailure } from '../tweak-types';

/**
 * The emulated Open Cloud operations, named by Roblox's operationIds (without `Cloud_`). Each has its own
 * per-authorization rate limit, as Roblox's OpenAPI states it.
 */
export type OpenCloudOperation =
  | 'GetUser'
  | 'GenerateUserThumbnail'
  | 'GetUserThumbnailOperation'
  | 'ListInventoryItems'
  | 'GetGroup'
  | 'ListGroupMemberships'
  | 'ListGroupRoles'
  | 'PublishUniverseMessage'
  | 'GetUniverse'
  | 'RestartUniverseServers';

/** One inventory item in Roblox's shape, without its `path` (the emulator builds it from `id`). */
export interface OpenCloudInventoryItemSeed {
  /** The inventory item ID (the last segment of its path). */
  id: string;
  addTime?: string;
  assetDetails?: {
    assetId: string;
    inventoryItemAssetType: string;
    instanceId?: string;
    collectibleDetails?: { itemId: string; instanceId: string; instanceState: string; serialNumber?: string };
  };
  badgeDetails?: { badgeId: string };
  gamePassDetails?: { gamePassId: string };
  privateServerDetails?: { privateServerId: string };
}

/** What Open Cloud knows of a user beyond the OAuth side's profile. */
export interface OpenCloudUserSeed {
  /** The emulator user's sub. */
  sub: string;
  about?: string;
  locale?: string;
  premium?: boolean;
  /** Shown only to tokens with `user.advanced:read`. */
  idVerified?: boolean;
  /** Shown only to tokens with `user.social:read`. */
  socialNetworkProfiles?: Record<string, string>;
  /** "Who can see my inventory?" is Everyone. Default false: only the user, through `user.inventory-item:read`. */
  inventoryPublic?: boolean;
  inventory?: OpenCloudInventoryItemSeed[];
}

/** A group role. `permissions` are Roblox's booleans (`viewWallPosts`, `changeRank`, …). */
export interface OpenCloudRoleSeed {
  id: string;
  displayName: string;
  /** 0–255; rank 0 is the guest role. */
  rank: number;
  description?: string;
  permissions?: Record<string, boolean>;
}

/** A group with its roles and members (each member holds one or more of the roles, by ID). */
export interface OpenCloudGroupSeed {
  id: string;
  displayName: string;
  description?: string;
  /** The owner's sub; omitted for an abandoned group. */
  owner?: string;
  publicEntryAllowed?: boolean;
  locked?: boolean;
  verified?: boolean;
  roles: OpenCloudRoleSeed[];
  members: Array<{ user: string; roles: string[] }>;
}

/** A universe (experience) with its root place, owned by a user (`{ user: sub }`) or a group (`{ group: id }`). */
export interface OpenCloudUniverseSeed {
  id: string;
  displayName: string;
  description?: string;
  owner: { user: string } | { group: string };
  rootPlaceId: string;
  /** Default `PUBLIC`. */
  visibility?: 'PUBLIC' | 'PRIVATE';
}

/**
 * The emulator's Open Cloud data and limits, as given to `createRobloxEmulator({ openCloud })`. Each list given
 * replaces the default one whole.
 *
 * @example
 * ```ts
 * await createRobloxEmulator({ openCloud: { groups: [myGroup], rateLimits: { GetUser: 2 } } });
 * ```
 */
export interface OpenCloudSeedOptions {
  users?: OpenCloudUserSeed[];
  groups?: OpenCloudGroupSeed[];
  universes?: OpenCloudUniverseSeed[];
  /** Requests per minute per authorization, replacing Roblox's for the operations named. */
  rateLimits?: Partial<Record<OpenCloudOperation, number>>;
  /** How many polls a thumbnail operation answers `done: false` before it is done (default 1). */
  thumbnailPolls?: number;
}

/** A message an app published, as `emu.messages` records it. */
export interface PublishedMessage {
  universeId: string;
  topic: string;
  message: string;
  clientId: string;
  /** The authorizing user's sub. */
  sub: string;
  /** ms since the epoch. */
  at: number;
}

/** A restart an app asked for, as `emu.openCloud.restarts` records it. */
export interface ServerRestart {
  universeId: string;
  request: Record<string, unknown>;
  clientId: string;
  sub: string;
  at: number;
}

/** A failure to inject into the next Open Cloud answer: {@link EmulatorFailure} plus response headers (e.g. `retry-after`). */
export interface OpenCloudFailure extends EmulatorFailure {
  headers?: Record<string, string>;
}

/**
 * The Open Cloud test controls of a running emulator (`emu.openCloud`).
 *
 * @example
 * ```ts
 * emu.openCloud.setRateLimit('GetUser', 1);
 * emu.openCloud.failNext({ status: 503, body: '{"code":"UNAVAILABLE","message":"down"}' });
 * ```
 */
export interface EmulatorOpenCloud {
  /** Messages published so far, oldest first. */
  readonly messages: readonly PublishedMessage[];
  /** Server restarts asked for so far, oldest first. */
  readonly restarts: readonly ServerRestart[];
  /** Calls per operation since start or the last reset. */
  readonly counters: Readonly<Record<OpenCloudOperation, number>>;
  /** Changes an operation's per-authorization limit (requests per minute); clears its current windows. */
  setRateLimit(operation: OpenCloudOperation, maxPerMinute: number): void;
  /** Makes the next Open Cloud request(s) fail as described (before authentication, as on the OAuth side). Queued in order. */
  failNext(failure?: OpenCloudFailure): void;
  /** Delays every Open Cloud answer by `ms`; 0 removes it. */
  setLatency(ms: number): void;
  /** Restores limits, forgets failures, latency, counters, rate windows, messages and restarts. */
  reset(): void;
}
