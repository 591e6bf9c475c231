import { localAvatarPath } from './avatars';
import { RobloxConfigurationError } from '../errors';
import type {
  AutoApprove,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorResources,
  EmulatorUser,
  EmulatorUserOptions,
  RobloxEmulatorOptions,
} from './types';

/**
 * Client ID of the confidential client that always exists and accepts any loopback redirect URI.
 *
 * @example
 * ```ts
 * new RobloxStrategy({ clientID: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
 *   callbackURL: 'http://127.0.0.1:3000/auth/roblox/callback', issuer: emu.issuer }, verify);
 * ```
 */
export const ROBLOX_EMULATOR_CLIENT_ID = 'roblox-emulator-client';
/** Client secret of {@link ROBLOX_EMULATOR_CLIENT_ID}. */
export const ROBLOX_EMULATOR_CLIENT_SECRET = 'roblox-emulator-secret';
/** Client ID of the public client (no secret, PKCE required) that always exists and accepts any loopback redirect URI. */
export const ROBLOX_EMULATOR_PUBLIC_CLIENT_ID = 'roblox-emulator-public-client';

/** Scopes that identify the user rather than grant access to resources. */
export const IDENTITY_SCOPES: ReadonlySet<string> = new Set([
  'openid', 'profile', 'email', 'verification', 'credentials', 'age', 'premium', 'roles',
]);

/** Scopes clients may request unless configured otherwise: identity scopes open to apps, and common resource scopes. */
export const ROBLOX_EMULATOR_SCOPES: readonly string[] = Object.freeze([
  'openid',
  'profile',
  'asset:read',
  'asset:write',
  'group:read',
  'user.inventory-item:read',
  'user.advanced:read',
  'user.social:read',
  'universe-messaging-service:publish',
  'universe.place:write',
  'universe:write',
]);

/** Freezes a value and every object and array inside it, so that a shared constant cannot be changed. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * The users every emulator has unless `includeDefaultUsers: false`: one with universes, one without a picture, one
 * with a group. Deeply frozen: shared by every emulator in the process.
 */
export const ROBLOX_EMULATOR_USERS: readonly EmulatorUserOptions[] = deepFreeze<EmulatorUserOptions[]>([
  {
    sub: '1516563360',
    username: 'exampleuser',
    displayName: 'Example User',
    createdAt: 1584682495,
    resources: { universes: ['3828411582'], creator: true },
  },
  {
    sub: '2067243959',
    username: 'linksgoat',
    displayName: 'Links Goat',
    createdAt: 1607354232,
    picture: null,
  },
  {
    sub: '12345678',
    username: 'robloxjanedoe',
    displayName: 'Jane Doe',
    createdAt: 1262304000,
    resources: { groups: [{ id: '7654321', universes: ['4829112345'] }] },
  },
]);

/** Settings of a running emulator, defaults applied. Lifetimes in seconds. */
export interface EmulatorSettings {
  port: number;
  host: string;
  clients: EmulatorClient[];
  users: EmulatorUser[];
  autoApprove: AutoApprove;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  codeTtl: number;
  idTokenTtl: number;
  consentTtl: number;
  revokeOnRefreshReuse: boolean;
  now: () => number;
}

/** A URI's text: printable ASCII without spaces (RFC 3986 has no other characters). */
const URI_TEXT = /^[\x21-\x7e]+$/;

const fail = (what: string): never => {
  throw new RobloxConfigurationError(`createRobloxEmulator: ${what}`);
};

function nonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') fail(`${what} must be a non-empty string`);
  return value as string;
}

function seconds(value: number | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(`${what} must be a positive number of seconds`);
  return value;
}

function defaultClients(): EmulatorClient[] {
  const common = { redirectUris: Object.freeze([]), allowLoopbackRedirects: true, scopes: ROBLOX_EMULATOR_SCOPES };
  return [
    Object.freeze({ ...common, clientId: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET, name: 'Roblox Emulator App' }),
    Object.freeze({ ...common, clientId: ROBLOX_EMULATOR_PUBLIC_CLIENT_ID, clientSecret: undefined, name: 'Roblox Emulator Public App' }),
  ];
}

function normalizeClient(c: EmulatorClientOptions, i: number): EmulatorClient {
  const at = `clients[${i}]`;
  if (typeof c !== 'object' || c === null) fail(`${at} must be an object`);
  const clientId = nonEmptyString(c.clientId, `${at}.clientId`);
  if (c.clientSecret !== undefined) nonEmptyString(c.clientSecret, `${at}.clientSecret`);
  if (!Array.isArray(c.redirectUris)) fail(`${at}.redirectUris must be an array of URLs`);
  for (const uri of c.redirectUris) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(uri);
    } catch {
      parsed = undefined;
    }
    // The registered string is used as is in the Location header: printable ASCII only (RFC 3986), no fragment.
    if (!parsed || !URI_TEXT.test(uri) || uri.includes('#')) fail(`${at}.redirectUris has an invalid URL (absolute, printable ASCII, without fragment)`);
  }
  if (c.scopes !== undefined && (!Array.isArray(c.scopes) || c.scopes.some((s) => typeof s !== 'string' || s === '' || /\s/.test(s)))) {
    fail(`${at}.scopes must be an array of scope names`);
  }
  // Frozen, arrays included: the running emulator's registry cannot be changed through emu.clients.
  return Object.freeze({
    clientId,
    clientSecret: c.clientSecret,
    redirectUris: Object.freeze([...c.redirectUris]),
    allowLoopbackRedirects: c.allowLoopbackRedirects === true,
    scopes: c.scopes ? Object.freeze([...new Set(c.scopes)]) : ROBLOX_EMULATOR_SCOPES,
    name: c.name === undefined ? clientId : nonEmptyString(c.name, `${at}.name`),
  });
}

function ids(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) fail(`${what} must be an array of IDs`);
  return [...(value as string[])];
}

/** Validates and copies a user's resources, frozen all the way down. */
function normalizeResources(r: EmulatorUserOptions['resources'], at: string): EmulatorResources {
  if (r === undefined) return deepFreeze({ universes: [], creator: false, groups: [] });
  if (r.groups !== undefined && !Array.isArray(r.groups)) fail(`${at}.groups must be an array`);
  return deepFreeze({
    universes: ids(r.universes, `${at}.universes`),
    creator: r.creator === true,
    groups: (r.groups ?? []).map((g, j) => ({
      id: nonEmptyString(g?.id, `${at}.groups[${j}].id`),
      universes: ids(g.universes, `${at}.groups[${j}].universes`),
      creator: g.creator !== false,
    })),
  });
}

/** Validates and fills in one user. The result is frozen, its resources too. */
export function normalizeUser(u: EmulatorUserOptions, at: string): EmulatorUser {
  if (typeof u !== 'object' || u === null) fail(`${at} must be an object`);
  const sub = nonEmptyString(u.sub, `${at}.sub`);
  const createdAt = u.createdAt instanceof Date ? Math.floor(u.createdAt.getTime() / 1000) : u.createdAt;
  if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) fail(`${at}.createdAt must be a Date or Unix seconds`);
  if (u.picture !== undefined && u.picture !== null) nonEmptyString(u.picture, `${at}.picture`);
  return Object.freeze({
    sub,
    username: nonEmptyString(u.username, `${at}.username`),
    displayName: nonEmptyString(u.displayName, `${at}.displayName`),
    createdAt: Math.floor(createdAt),
    picture: u.picture === undefined ? localAvatarPath(sub) : u.picture,
    profileUrl: u.profileUrl === undefined ? `https://www.roblox.com/users/${encodeURIComponent(sub)}/profile` : nonEmptyString(u.profileUrl, `${at}.profileUrl`),
    resources: normalizeResources(u.resources, `${at}.resources`),
  });
}

/** Checks an autoApprove value against the users. */
export function checkAutoApprove(value: unknown, users: readonly EmulatorUser[]): AutoApprove {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && users.some((u) => u.sub === value)) return value;
  return fail('autoApprove must be true, false or the sub of a user');
}

/** Validates options and applies defaults. Throws RobloxConfigurationError naming the bad option. */
export function normalizeOptions(options: RobloxEmulatorOptions): EmulatorSettings {
  if (typeof options !== 'object' || options === null) fail('options must be an object');
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('port must be an integer from 0 to 65535');
  const host = options.host === undefined ? '127.0.0.1' : nonEmptyString(options.host, 'host');

  if (options.clients !== undefined && !Array.isArray(options.clients)) fail('clients must be an array');
  const given = (options.clients ?? []).map(normalizeClient);
  const clientIds = new Set<string>();
  for (const c of given) {
    if (clientIds.has(c.clientId)) fail(`clients has the clientId "${c.clientId}" twice`);
    clientIds.add(c.clientId);
  }
  const clients = [...defaultClients().filter((c) => !clientIds.has(c.clientId)), ...given];

  if (options.users !== undefined && !Array.isArray(options.users)) fail('users must be an array');
  const users = (options.users ?? []).map((u, i) => normalizeUser(u, `users[${i}]`));
  const subs = new Set<string>();
  for (const u of users) {
    if (subs.has(u.sub)) fail(`users has the sub "${u.sub}" twice`);
    subs.add(u.sub);
  }
  if (options.includeDefaultUsers !== false) {
    for (const u of ROBLOX_EMULATOR_USERS) if (!subs.has(u.sub)) users.push(normalizeUser(u, 'default user'));
  }
  if (users.length === 0) fail('users must not be empty when includeDefaultUsers is false');
  if (options.now !== undefined && typeof options.now !== 'function') fail('now must be a function returning milliseconds');

  return {
    port,
    host,
    clients,
    users,
    autoApprove: checkAutoApprove(options.autoApprove ?? false, users),
    accessTokenTtl: seconds(options.accessTokenTtl, 899, 'accessTokenTtl'),
    refreshTokenTtl: seconds(options.refreshTokenTtl, 90 * 24 * 3600, 'refreshTokenTtl'),
    codeTtl: seconds(options.codeTtl, 60, 'codeTtl'),
    idTokenTtl: seconds(options.idTokenTtl, 36000, 'idTokenTtl'),
    consentTtl: seconds(options.consentTtl, 600, 'consentTtl'),
    revokeOnRefreshReuse: options.revokeOnRefreshReuse === true,
    // Read at each call, not captured: a test that fakes Date (time travel) moves the emulator with the app.
    now: options.now ?? (() => Date.now()),
  };
}

/**
 * The loopback hosts, spelled literally in the raw text: `http(s)://127.0.0.1`, `localhost` or `[::1]`, an
 * optional port, then `/`, `?` or the end. Other spellings the WHATWG parser maps to loopback (`127.1`,
 * `0x7f.0.0.1`, `LOCALHOST`, `127.0.0.1\@evil.com`) are refused: other parsers read them differently.
 */
const LOOPBACK = /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?(?:[/?]|$)/;

/** True for redirect URIs on a loopback host, which default clients accept on any port and path. */
export function isLoopbackRedirect(uri: string): boolean {
  if (!LOOPBACK.test(uri) || !URI_TEXT.test(uri) || uri.includes('#')) return false;
  try {
    new URL(uri);
  } catch {
    return false;
  }
  return true;
}

/** Whether a client may use a redirect URI: exact registration, or loopback when allowed. */
export function redirectAllowed(client: EmulatorClient, uri: string): boolean {
  return client.redirectUris.includes(uri) || (client.allowLoopbackRedirects && isLoopbackRedirect(uri));
}
