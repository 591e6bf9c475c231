import { createDiscovery, checkSecureURL } from './discovery';
import { ROBLOX_ISSUER, robloxEndpoints, type RobloxEndpoints } from './endpoints';
import { RobloxConfigurationError } from '../errors';
import type { ClientAuthMethod, ClientCredentials } from './http';
import { createIdTokenVerifier, type IdTokenVerifier } from './id-token';
import { isRefreshCoordinator, type RefreshCoordinator } from '../tokens/refresh-coordinator';

/** Endpoint URLs that may be set explicitly, overriding Roblox's defaults or discovery. */
export interface EndpointOverrides {
  authorizationURL?: string;
  tokenURL?: string;
  userInfoURL?: string;
  jwksURL?: string;
  introspectionURL?: string;
  revocationURL?: string;
  resourcesURL?: string;
}

/** Configuration shared by RobloxStrategy and RobloxClient. */
export interface ProviderConfig extends EndpointOverrides {
  clientID: string;
  clientSecret?: string | undefined;
  authMethod?: ClientAuthMethod | undefined;
  issuer?: string | undefined;
  /** Milliseconds for every call to the provider (default 10 000). */
  timeout?: number | undefined;
  /** Seconds of clock skew tolerated in ID-token time claims (default 30). */
  clockTolerance?: number | undefined;
  /** Minimum ms between JWKS refetches caused by an unknown `kid` (default 30 000). */
  jwksCooldown?: number | undefined;
  /**
   * How refreshes of one grant are coordinated: in this process (the default), or across processes with
   * `createRedisRefreshCoordinator(…)` from `passport-roblox-oidc/redis`.
   */
  refreshCoordinator?: RefreshCoordinator | undefined;
}

/** The longest delay Node's timers honour (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

const OVERRIDES: (keyof EndpointOverrides)[] = [
  'authorizationURL', 'tokenURL', 'userInfoURL', 'jwksURL', 'introspectionURL', 'revocationURL', 'resourcesURL',
];

/** Validates the options every consumer shares; `owner` names the class in messages. */
export function validateProviderConfig(owner: string, config: ProviderConfig | undefined): void {
  const fail = (msg: string) => new RobloxConfigurationError(`${owner} ${msg}`);
  if (!config || typeof config !== 'object') throw fail('requires an options object');
  if (typeof config.clientID !== 'string' || config.clientID === '') throw fail('requires a clientID option');
  if (config.clientSecret !== undefined && typeof config.clientSecret !== 'string') throw fail('clientSecret option must be a string');
  if (config.authMethod !== undefined && config.authMethod !== 'client_secret_basic' && config.authMethod !== 'client_secret_post') {
    throw fail('authMethod option must be "client_secret_basic" or "client_secret_post"');
  }
  if (config.issuer !== undefined) {
    if (typeof config.issuer !== 'string') throw fail('issuer option must be a string');
    checkSecureURL(config.issuer, `${owner} issuer option`, (m) => new RobloxConfigurationError(m));
    if (!config.issuer.endsWith('/')) {
      throw fail(`issuer option must end with a slash, exactly as the provider states it: "${config.issuer}/" (Roblox's is "${ROBLOX_ISSUER}")`);
    }
  }
  // A timer longer than 2^31 - 1 ms fires at once in Node: such a timeout would fail every call.
  const checks = [['timeout', config.timeout, 1, MAX_TIMER_MS], ['clockTolerance', config.clockTolerance, 0, Infinity], ['jwksCooldown', config.jwksCooldown, 0, Infinity]] as const;
  for (const [name, value, min, max] of checks) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)) {
      throw fail(`${name} option must be a number ≥ ${min}${max === Infinity ? '' : ` and ≤ ${max}`}`);
    }
  }
  if (config.refreshCoordinator !== undefined && !isRefreshCoordinator(config.refreshCoordinator)) {
    throw fail('refreshCoordinator option must be a RefreshCoordinator (e.g. createRedisRefreshCoordinator(…) from passport-roblox-oidc/redis)');
  }
  for (const key of OVERRIDES) {
    const value = config[key];
    if (value !== undefined) checkSecureURL(value, `${owner} ${key} option`, (m) => new RobloxConfigurationError(m));
  }
}

/**
 * The provider as one client sees it: its endpoints (Roblox's without a round trip, or discovered once
 * for any other issuer, explicit options winning), the client's credentials, and a shared ID-token verifier.
 */
export class Provider {
  readonly issuer: string;
  readonly timeout: number;
  readonly clockTolerance: number;
  readonly credentials: ClientCredentials;
  private resolved: RobloxEndpoints | undefined;
  private builtVerifier: IdTokenVerifier | undefined;
  private readonly resolve: () => Promise<RobloxEndpoints>;
  private verifier: Promise<IdTokenVerifier> | undefined;
  private readonly jwksCooldown: number | undefined;

  constructor(config: ProviderConfig) {
    this.issuer = config.issuer ?? ROBLOX_ISSUER;
    this.timeout = config.timeout ?? 10_000;
    this.clockTolerance = config.clockTolerance ?? 30;
    this.jwksCooldown = config.jwksCooldown;
    this.credentials = { clientID: config.clientID, clientSecret: config.clientSecret || undefined, authMethod: config.authMethod };
    const overrides: EndpointOverrides = {};
    for (const key of OVERRIDES) if (config[key] !== undefined) overrides[key] = config[key];
    const apply = (e: RobloxEndpoints): RobloxEndpoints => ({ ...e, ...overrides });
    if (this.issuer === ROBLOX_ISSUER) {
      this.resolved = apply(robloxEndpoints());
      const fixed = Promise.resolve(this.resolved);
      this.resolve = () => fixed;
    } else {
      const discover = createDiscovery(this.issuer, this.timeout);
      let done: Promise<RobloxEndpoints> | undefined;
      this.resolve = () => (done ??= discover().then((e) => (this.resolved = apply(e))).catch((err: unknown) => {
        done = undefined;
        throw err;
      }));
    }
  }

  /** The endpoints once resolved (undefined before), so that hot paths need not wait on a settled promise. */
  get current(): RobloxEndpoints | undefined {
    return this.resolved;
  }

  /** The ID-token verifier once built (undefined before). */
  get currentVerifier(): IdTokenVerifier | undefined {
    return this.builtVerifier;
  }

  /** The provider's endpoints; rejects with RobloxDiscoveryError when discovery fails. */
  endpoints(): Promise<RobloxEndpoints> {
    return this.resolve();
  }

  /** The ID-token verifier for this provider and client, built once the endpoints are known. */
  idTokenVerifier(): Promise<IdTokenVerifier> {
    this.verifier ??= this.endpoints().then((e) =>
      createIdTokenVerifier({
        issuer: this.issuer,
        clientID: this.credentials.clientID,
        jwksURL: e.jwksURL,
        algorithms: e.idTokenSigningAlgs,
        clockTolerance: this.clockTolerance,
        timeout: this.timeout,
        ...(this.jwksCooldown !== undefined ? { jwksCooldown: this.jwksCooldown } : {}),
      }),
    ).then((verifier) => (this.builtVerifier = verifier)).catch((err: unknown) => {
      this.verifier = undefined;
      throw err;
    });
    return this.verifier;
  }
}
