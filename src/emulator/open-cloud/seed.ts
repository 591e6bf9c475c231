import { RobloxConfigurationError } from '../../errors';
import type { EmulatorUser } from '../types';
import type {
  OpenCloudGroupSeed, OpenCloudInventoryItemSeed, OpenCloudOperation, OpenCloudSeedOptions, OpenCloudUniverseSeed, OpenCloudUserSeed,
} from './types';

/** Roblox's per-OAuth-authorization limits (requests per minute), from its OpenAPI `x-roblox-rate-limits`. */
export const OPEN_CLOUD_RATE_LIMITS: Readonly<Record<OpenCloudOperation, number>> = Object.freeze({
  GetUser: 10,
  GenerateUserThumbnail: 10,
  GetUserThumbnailOperation: 10,
  ListInventoryItems: 20,
  GetGroup: 30,
  ListGroupMemberships: 90,
  ListGroupRoles: 90,
  PublishUniverseMessage: 5000,
  GetUniverse: 100,
  RestartUniverseServers: 30,
});

/** The seed as the emulator runs it. */
export interface OpenCloudData {
  users: Map<string, OpenCloudUserSeed>;
  groups: Map<string, OpenCloudGroupSeed>;
  universes: Map<string, OpenCloudUniverseSeed>;
  rateLimits: Record<OpenCloudOperation, number>;
  thumbnailPolls: number;
}

const ASSET_TYPES = ['HAT', 'CLASSIC_TSHIRT', 'FACE', 'HAIR_ACCESSORY', 'GEAR', 'CLASSIC_PANTS', 'EMOTE_ANIMATION'];

function defaultInventory(sub: string, assets: number): OpenCloudInventoryItemSeed[] {
  const items: OpenCloudInventoryItemSeed[] = [];
  for (let i = 0; i < assets; i++) {
    const assetId = String(1028595 + i * 7);
    const collectible = i === 1;
    items.push({
      id: Buffer.from(`USER_ASSET_ID=${sub}${i}`).toString('base64url'),
      addTime: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(),
      assetDetails: {
        assetId,
        inventoryItemAssetType: ASSET_TYPES[i % ASSET_TYPES.length] as string,
        instanceId: String(200105119388 + i),
        ...(collectible ? { collectibleDetails: { itemId: `c-${assetId}`, instanceId: `ci-${assetId}`, instanceState: 'AVAILABLE', serialNumber: '42' } } : {}),
      },
    });
  }
  return items;
}

/** Default data for the default users: an inventory of exactly 20 items (Roblox's empty-last-page case at 10 a page), a group of 25. */
function defaults(users: readonly EmulatorUser[]): Required<Pick<OpenCloudSeedOptions, 'users' | 'groups' | 'universes'>> {
  const has = (sub: string) => users.some((u) => u.sub === sub);
  const seedUsers: OpenCloudUserSeed[] = users.map((u, i) => ({
    sub: u.sub,
    about: '',
    locale: 'en-us',
    premium: i === 0,
    idVerified: i === 0,
    socialNetworkProfiles: { youtube: `https://www.youtube.com/@${u.username}`, visibility: 'EVERYONE' },
    inventoryPublic: u.sub !== '1516563360',
    inventory:
      u.sub === '1516563360'
        ? [
            ...defaultInventory(u.sub, 15),
            { id: 'QkFER0U9MjEyNDQ1MTIz', addTime: '2024-02-01T00:00:00.000Z', badgeDetails: { badgeId: '2124451230' } },
            { id: 'QkFER0U9MjEyNDQ1MTI0', addTime: '2024-02-02T00:00:00.000Z', badgeDetails: { badgeId: '2124451240' } },
            { id: 'R0FNRV9QQVNTPTEwMDAx', gamePassDetails: { gamePassId: '10001' } },
            { id: 'R0FNRV9QQVNTPTEwMDAy', gamePassDetails: { gamePassId: '10002' } },
            { id: 'UFJJVkFURV9TRVJWRVI9OQ', addTime: '2024-03-01T00:00:00.000Z', privateServerDetails: { privateServerId: '900001' } },
          ]
        : defaultInventory(u.sub, 3),
  }));
  const groups: OpenCloudGroupSeed[] = [];
  if (has('12345678')) {
    const members = [
      { user: '12345678', roles: ['76543214'] },
      ...(has('1516563360') ? [{ user: '1516563360', roles: ['76543212'] }] : []),
      ...(has('2067243959') ? [{ user: '2067243959', roles: ['76543213', '76543212'] }] : []),
    ];
    for (let i = 1; members.length < 25; i++) members.push({ user: String(900000 + i), roles: ['76543212'] });
    groups.push({
      id: '7654321',
      displayName: 'Doe Builders',
      description: 'Jane Doe builds things.',
      owner: '12345678',
      publicEntryAllowed: true,
      locked: false,
      verified: false,
      roles: [
        { id: '76543211', displayName: 'Guest', rank: 0, permissions: { viewWallPosts: true, viewForums: true } },
        { id: '76543212', displayName: 'Member', rank: 1, description: 'A member', permissions: { viewWallPosts: true, postToWall: true, viewForums: true } },
        { id: '76543213', displayName: 'Admin', rank: 200, description: 'Helps run the group', permissions: { viewWallPosts: true, changeRank: true, acceptRequests: true, exileMembers: true } },
        { id: '76543214', displayName: 'Owner', rank: 255, description: 'Owns the group', permissions: { viewWallPosts: true, changeRank: true, acceptRequests: true, exileMembers: true, manageGroupUniverses: true, banMembers: true } },
      ],
      members,
    });
  }
  const universes: OpenCloudUniverseSeed[] = [];
  if (has('1516563360')) universes.push({ id: '3828411582', displayName: 'Example Obby', owner: { user: '1516563360' }, rootPlaceId: '10000001' });
  if (groups.length) universes.push({ id: '4829112345', displayName: 'Doe Builders Tycoon', owner: { group: '7654321' }, rootPlaceId: '10000002' });
  return { users: seedUsers, groups, universes };
}

const fail = (what: string): never => {
  throw new RobloxConfigurationError(`createRobloxEmulator: openCloud.${what}`);
};
const id = (v: unknown, what: string): string => (typeof v === 'string' && /^[0-9A-Za-z_-]{1,64}$/.test(v) ? v : fail(`${what} must be an ID (letters, digits, - or _)`));
const list = <T>(v: T[] | undefined, what: string): T[] | undefined => (v === undefined ? undefined : Array.isArray(v) ? v : fail(`${what} must be an array`));

/** Validates the `openCloud` option and fills in the defaults. Throws RobloxConfigurationError naming the bad field. */
export function normalizeOpenCloud(options: OpenCloudSeedOptions | undefined, users: readonly EmulatorUser[]): OpenCloudData {
  const o = options ?? {};
  if (typeof o !== 'object' || o === null) fail('must be an object');
  const d = defaults(users);
  const seedUsers = list(o.users, 'users') ?? d.users;
  const groups = list(o.groups, 'groups') ?? d.groups;
  const universes = list(o.universes, 'universes') ?? d.universes;
  seedUsers.forEach((u, i) => {
    id(u?.sub, `users[${i}].sub`);
    (list(u.inventory, `users[${i}].inventory`) ?? []).forEach((item, j) => id(item?.id, `users[${i}].inventory[${j}].id`));
  });
  groups.forEach((g, i) => {
    id(g?.id, `groups[${i}].id`);
    if (g.owner !== undefined) id(g.owner, `groups[${i}].owner`);
    const roles = list(g.roles, `groups[${i}].roles`) ?? fail(`groups[${i}].roles is required`);
    roles.forEach((r, j) => {
      id(r?.id, `groups[${i}].roles[${j}].id`);
      if (!Number.isInteger(r.rank) || r.rank < 0 || r.rank > 255) fail(`groups[${i}].roles[${j}].rank must be an integer from 0 to 255`);
    });
    (list(g.members, `groups[${i}].members`) ?? fail(`groups[${i}].members is required`)).forEach((m, j) => {
      id(m?.user, `groups[${i}].members[${j}].user`);
      if (!Array.isArray(m.roles) || m.roles.length === 0 || m.roles.some((r) => !roles.some((x) => x.id === r))) {
        fail(`groups[${i}].members[${j}].roles must name one or more of the group's roles`);
      }
    });
  });
  universes.forEach((u, i) => {
    id(u?.id, `universes[${i}].id`);
    id(u.rootPlaceId, `universes[${i}].rootPlaceId`);
    const owner = u.owner as { user?: unknown; group?: unknown } | undefined;
    if (!owner || (owner.user === undefined) === (owner.group === undefined)) fail(`universes[${i}].owner must be { user } or { group }`);
  });
  const rateLimits = { ...OPEN_CLOUD_RATE_LIMITS };
  for (const [op, max] of Object.entries(o.rateLimits ?? {})) {
    if (!(op in rateLimits)) fail(`rateLimits has an unknown operation ${JSON.stringify(op)}`);
    if (!Number.isInteger(max) || (max as number) < 1) fail(`rateLimits.${op} must be a positive integer`);
    rateLimits[op as OpenCloudOperation] = max as number;
  }
  const polls = o.thumbnailPolls ?? 1;
  if (!Number.isInteger(polls) || polls < 0) fail('thumbnailPolls must be an integer ≥ 0');
  return {
    users: new Map(seedUsers.map((u) => [u.sub, u])),
    groups: new Map(groups.map((g) => [g.id, g])),
    universes: new Map(universes.map((u) => [u.id, u])),
    rateLimits,
    thumbnailPolls: polls,
  };
}
