import type { JSONWebKeySet } from 'jose';
import type { EmulatorOpenCloud, OpenCloudSeedOptions, PublishedMessage } from './open-cloud/types';
import type { EmulatorFailure, IdTokenTweak, IssueIdTokenOptions, TokenResponseTweak, UserinfoTweak } from './tweak-types';

/**
 * The emulator's endpoints, as named by {@link RobloxEmulator.counters}, {@link RobloxEmulator.setLatency}
 * and {@link RobloxEmulator.failNext}. `decision` is the consent page's POST (Approve / Deny).
 */
export type EmulatorEndpoint =
  | 'discovery'
  | 'jwks'
  | 'authorize'
  | 'decision'
  | 'token'
  | 'introspect'
  | 'resources'
  | 'revoke'
  | 'userinfo';

/**
 * An OAuth app registered with the emulator, as given to {@link RobloxEmulatorOptions.clients}.
 *
 * @example
 * ```ts
 * { clientId: 'my-app', clientSecret: 's3cret', redirectUris: ['http://127.0.0.1:3000/auth/roblox/callback'] }
 * ```
 */
export interface EmulatorClientOptions {
  clientId: string;
  /** Omit for a public client: it authenticates with `client_id` alone and must use PKCE. */
  clientSecret?: string;
  /** Exact redirect URIs (compared by string equality, as Roblox does, and redirected to exactly as given). */
  redirectUris: string[];
  /**
   * Also accept any loopback redirect URI (`http://127.0.0.1:*`, `http://localhost:*`, `http://[::1]:*`, or
   * https), the host spelled literally as shown. Default false.
   */
  allowLoopbackRedirects?: boolean;
  /** Scopes the app may request. Default: {@link ROBLOX_EMULATOR_SCOPES}. */
  scopes?: string[];
  /** The app name shown on the consent page. Default: the client ID. */
  name?: string;
  /**
   * False for an app not yet published (reviewed): as on Roblox, at most {@link ROBLOX_UNPUBLISHED_USER_LIMIT}
   * distinct users may authorize it; the next one sees an error page saying why. Default: the emulator's
   * {@link RobloxEmulatorOptions.published} (true).
   */
  published?: boolean;
}

/** A client as the emulator runs it, defaults filled in. */
export interface EmulatorClient {
  readonly clientId: string;
  /** `undefined` for a public client. */
  readonly clientSecret: string | undefined;
  readonly redirectUris: readonly string[];
  readonly allowLoopbackRedirects: boolean;
  readonly scopes: readonly string[];
  readonly name: string;
  /** False for an app limited to {@link ROBLOX_UNPUBLISHED_USER_LIMIT} distinct users. */
  readonly published: boolean;
}

/** Resources a user has (and grants when an app asks for a resource scope such as `universe-messaging-service:publish`). */
export interface EmulatorResourcesOptions {
  /** Universe (experience) IDs owned by the user. */
  universes?: string[];
  /** Whether the user's own account is granted as a creator (`creator.ids: ["U"]`). Default false. */
  creator?: boolean;
  /** Groups the user grants, each with its universes and creator flag (default true: `creator.ids: ["U"]`). */
  groups?: Array<{ id: string; universes?: string[]; creator?: boolean }>;
}

/** Normalized resources of a user. */
export interface EmulatorResources {
  readonly universes: readonly string[];
  readonly creator: boolean;
  readonly groups: ReadonlyArray<{ readonly id: string; readonly universes: readonly string[]; readonly creator: boolean }>;
}

/**
 * A test user, as given to {@link RobloxEmulatorOptions.users}.
 *
 * @example
 * ```ts
 * { sub: '1516563360', username: 'exampleuser', displayName: 'Example', createdAt: new Date('2020-03-20') }
 * ```
 */
export interface EmulatorUserOptions {
  /** The Roblox user ID (a numeric string on Roblox). */
  sub: string;
  /** The Roblox username (`preferred_username`). */
  username: string;
  /** The display name (`name` and `nickname`). */
  displayName: string;
  /** Account creation time: a Date or Unix seconds. */
  createdAt: Date | number;
  /**
   * Avatar headshot URL; `null` as Roblox sends when no headshot exists. A path (`/avatars/x.svg`) is resolved
   * against the emulator's URL. Default: a generated headshot the emulator serves at `/avatars/<sub>.svg`.
   */
  picture?: string | null;
  /** Default `https://www.roblox.com/users/<sub>/profile`. */
  profileUrl?: string;
  resources?: EmulatorResourcesOptions;
}

/** A user as the emulator runs it, defaults filled in. */
export interface EmulatorUser {
  readonly sub: string;
  readonly username: string;
  readonly displayName: string;
  /** Unix seconds. */
  readonly createdAt: number;
  readonly picture: string | null;
  readonly profileUrl: string;
  readonly resources: EmulatorResources;
}

/** How the authorize endpoint answers: `false` shows the consent page, `true` approves as the first user, a sub approves as that user. */
export type AutoApprove = boolean | string;

/**
 * Options of {@link createRobloxEmulator}. Every field is optional. Lifetimes are in seconds.
 *
 * @example
 * ```ts
 * const emu = await createRobloxEmulator({ autoApprove: true, accessTokenTtl: 5 });
 * ```
 */
export interface RobloxEmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Apps besides the default ones ({@link ROBLOX_EMULATOR_CLIENT_ID}, {@link ROBLOX_EMULATOR_PUBLIC_CLIENT_ID}); one with a default's ID replaces it. */
  clients?: EmulatorClientOptions[];
  /** Test users; they come first, followed by the default users whose sub is not taken. */
  users?: EmulatorUserOptions[];
  /** Default true. False keeps only the users given. */
  includeDefaultUsers?: boolean;
  /** Default false: the consent page is shown. */
  autoApprove?: AutoApprove;
  /** Default 899 (Roblox's `expires_in`). */
  accessTokenTtl?: number;
  /** Default 90 days. */
  refreshTokenTtl?: number;
  /** Default 60 (Roblox: one minute). */
  codeTtl?: number;
  /** Default 36000: ten hours, as in Roblox's documented ID token (`exp - iat`). */
  idTokenTtl?: number;
  /** Default 600: how long a consent page stays usable. */
  consentTtl?: number;
  /**
   * Whether a refresh answer carries an ID token (with the `openid` scope). Default false, as in Roblox's
   * documented refresh example; Roblox's prose says it does: run your tests both ways.
   */
  refreshIdToken?: boolean;
  /**
   * Default for every client's {@link EmulatorClientOptions.published} (the default clients' included). Default
   * true; false limits each app to {@link ROBLOX_UNPUBLISHED_USER_LIMIT} distinct users, as Roblox does.
   */
  published?: boolean;
  /** When a used refresh token is presented again, also revoke the whole grant (reuse detection). Default false. */
  revokeOnRefreshReuse?: boolean;
  /** The clock, in milliseconds since the epoch. Default `Date.now`; tests may pass a controllable clock. */
  now?: () => number;
  /** The local Open Cloud's data (inventories, groups, universes) and limits; each list given replaces the default. */
  openCloud?: OpenCloudSeedOptions;
}

/** Absolute URLs of the emulator's endpoints. */
export interface EmulatorEndpointURLs {
  discovery: string;
  authorization: string;
  decision: string;
  token: string;
  introspection: string;
  resources: string;
  revocation: string;
  userinfo: string;
  jwks: string;
}

/**
 * A running emulator, returned by {@link createRobloxEmulator}.
 *
 * @example
 * ```ts
 * const emu = await createRobloxEmulator({ autoApprove: true });
 * emu.failNext('token', { status: 502 });
 * // ... exercise the app ...
 * expect(emu.counters.token).toBe(1);
 * await emu.close();
 * ```
 */
export interface RobloxEmulator {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  /** `${url}/oauth/`, trailing slash included, as in discovery and every ID token. */
  readonly issuer: string;
  readonly port: number;
  readonly host: string;
  readonly endpoints: EmulatorEndpointURLs;
  /** Every client, the default ones included (frozen: changing them cannot change the running emulator). */
  readonly clients: readonly EmulatorClient[];
  /** Every user, in order (the first is the one `autoApprove: true` picks); frozen, like the clients. */
  readonly users: readonly EmulatorUser[];
  /** How authorization requests are answered; may be changed at any time. */
  autoApprove: AutoApprove;
  /** A snapshot of calls per endpoint since start or the last {@link resetCounters}. */
  readonly counters: Readonly<Record<EmulatorEndpoint, number>>;
  /** Sets every counter of {@link counters} back to 0. */
  resetCounters(): void;
  /** Delays every answer of an endpoint (`'*'`: all endpoints without their own setting) by `ms` (at most 2147483647); 0 removes it. */
  setLatency(endpoint: EmulatorEndpoint | '*', ms: number): void;
  /** Makes the next request(s) to an endpoint (`'*'`: any endpoint) fail as described. Queued in order. */
  failNext(endpoint: EmulatorEndpoint | '*', failure?: EmulatorFailure): void;
  /**
   * Changes the next ID token issued (by the token endpoint or {@link issueIdToken}). Queued in order: each
   * call bends exactly one later token, so a test can make the login's token hostile and keep the rest sane.
   *
   * @example
   * ```ts
   * emu.nextIdToken({ claims: { nonce: 'not-the-one-sent' } });
   * await request(app).get(`/auth/roblox/callback?code=${code}&state=${state}`).expect(302); // → failureRedirect
   * ```
   */
  nextIdToken(tweak: IdTokenTweak): void;
  /** Changes every ID token until called with `undefined` (applied before any {@link nextIdToken} tweak). */
  setIdTokenTweak(tweak: IdTokenTweak | undefined): void;
  /** Changes the next successful userinfo answer. Queued in order. */
  nextUserinfo(tweak: UserinfoTweak): void;
  /**
   * Changes the next successful token answer (code or refresh grant), after the grant itself was updated: the
   * refresh token really rotated, the code really burned. Queued in order.
   *
   * @example
   * ```ts
   * emu.nextTokenResponse({ expires_in: 'soon' });   // the new refresh token arrives beside a malformed field
   * ```
   */
  nextTokenResponse(tweak: TokenResponseTweak): void;
  /** Signs an ID token as the token endpoint would, without a flow; for unit tests of verifiers. */
  issueIdToken(options?: IssueIdTokenOptions): Promise<string>;
  /** Starts signing with a new ES256 key (new `kid`). The JWKS keeps older keys unless `keepPrevious` is false. */
  rotateKeys(options?: { keepPrevious?: boolean }): Promise<{ kid: string }>;
  /** The JWKS currently served at `v1/certs`. */
  jwks(): JSONWebKeySet;
  /** Revokes every grant of a user, as if they removed the app in their Roblox settings. Returns how many. */
  revokeUser(sub: string): number;
  /** Clears latency, queued failures, tweaks and counters (not grants or keys), and resets the Open Cloud's controls, rate windows and records. */
  reset(): void;
  /**
   * Messages apps published through Open Cloud (`POST /cloud/v2/universes/{id}:publishMessage`), oldest first.
   *
   * @example
   * ```ts
   * expect(emu.messages.at(-1)).toMatchObject({ universeId: '3828411582', topic: 'news', message: 'hi' });
   * ```
   */
  readonly messages: readonly PublishedMessage[];
  /** The local Open Cloud's test controls: rate limits, failures, latency, recorded restarts. */
  readonly openCloud: EmulatorOpenCloud;
  /** Stops listening and drops every connection, hanging ones included. Idempotent. */
  close(): Promise<void>;
}
