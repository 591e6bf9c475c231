import {
  RobloxConfigurationError, RobloxIdTokenError, RobloxInvalidArgumentError, RobloxOAuthError, RobloxPermissionDeniedError,
  RobloxRateLimitError, RobloxResponseError, RobloxSignInRequiredError, type RobloxRateLimitInfo,
} from '../errors';
import type { RobloxClient } from '../provider/client';
import { isLoopbackHost, request as send, type HttpResponse } from '../provider/http';
import { rescuedRefreshToken } from '../tokens/rescued';
import { isTokenSet, type TokenSet } from '../tokens/token-set';
import { refusal } from './errors-map';
import { rateLimitOf, retryAfterMs } from './rate-limit';
import { knownSuccessor, refreshGrant } from './refresh';
import { GroupsApi } from './groups';
import { UniversesApi } from './universes';
import { UsersApi } from './users';

/**
 * Options of {@link OpenCloudClient}.
 *
 * @example
 * ```ts
 * const options: OpenCloudClientOptions = { client: strategy.client, tokens, onTokens: (t) => db.saveTokens(userId, t) };
 * ```
 */
export interface OpenCloudClientOptions {
  /** The app's RobloxClient (`strategy.client`): its refresh, timeout and issuer are used. */
  client: RobloxClient;
  /** The user's TokenSet. */
  tokens: TokenSet;
  /** Called (and awaited) with every refreshed TokenSet, before the call goes on: store it, the old refresh token is dead. */
  onTokens?: (tokens: TokenSet) => void | Promise<void>;
  /** Called (and awaited) when Roblox ended the grant (revoked, refresh refused): forget the stored tokens. */
  onGrantEnded?: () => void | Promise<void>;
  /** Open Cloud's origin. Default: the origin of the client's issuer (`https://apis.roblox.com`, or the emulator's). */
  baseURL?: string;
  /** ms for each call (default: the client's timeout). */
  timeout?: number;
  /** Refresh when the access token expires within this many seconds (default 60). */
  skewSeconds?: number;
  /** Longest wait for one 429's `retry-after` before giving up with RobloxRateLimitError (ms, default 5000). */
  maxRateLimitWaitMs?: number;
  /** How many times a 429 is waited out before giving up (default 2). */
  maxRateLimitRetries?: number;
  /** The signed-in user's Roblox ID, checked against a refreshed ID token (default: the stored ID token's `sub`). */
  subject?: string;
  /** Called with the `x-ratelimit-*` headers of every answer that has them. */
  onRateLimit?: (info: RobloxRateLimitInfo) => void;
}

/**
 * Options of {@link OpenCloudClient.request}: any OAuth-capable Open Cloud operation.
 *
 * @example
 * ```ts
 * const place = await cloud.request<{ path: string; displayName: string }>({
 *   method: 'GET', path: '/cloud/v2/universes/3828411582/places/10000001',
 * });
 * ```
 */
export interface OpenCloudRequest<T> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path on Open Cloud's origin, e.g. `/cloud/v2/users/123`. Path segments must be encoded by the caller. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** Scopes the operation needs: missing ones are refused before sending (RobloxPermissionDeniedError `missing_scope`). */
  scopes?: string[];
  /** The operation acts on an experience the user picks at consent: a 403 then means `resource_not_authorized`. */
  resourceScoped?: boolean;
  /** Narrows the JSON answer (`undefined` for an empty body); default: the parsed JSON as is. */
  parse?: (body: unknown) => T;
  /** Our words for the operation in messages, e.g. `reading a place`. */
  what?: string;
}

const PATH = /^\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@%]+\/?)*$/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function originOf(owner: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RobloxConfigurationError(`${owner} baseURL option must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new RobloxConfigurationError(`${owner} baseURL option must use https (http only for loopback hosts)`);
  }
  return url.origin;
}

function checkNumber(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)) {
    throw new RobloxConfigurationError(`OpenCloudClient ${name} option must be a number from ${min} to ${max}`);
  }
}

/**
 * Calls Roblox Open Cloud for one user with their OAuth tokens. Every call: the access token, refreshed when it
 * expires within the skew (one refresh per token, shared with `refreshTokens()`), refreshed once and retried once
 * after a 401; a timeout; a 429 waited out up to a bound, else RobloxRateLimitError; Roblox's errors as typed
 * errors with our messages; `x-ratelimit-*` kept on {@link rateLimit}.
 *
 * @example
 * ```ts
 * const cloud = new OpenCloudClient({ client: strategy.client, tokens, onTokens: save });
 * const me = await cloud.users.get('1516563360');
 * for await (const m of cloud.groups.memberships('7654321')) console.log(m.user);
 * await cloud.universes.publishMessage('3828411582', { topic: 'news', message: 'hello' });
 * ```
 */
export class OpenCloudClient {
  /** Users: profile, thumbnail, inventory. */
  readonly users: UsersApi;
  /** Groups: group, memberships, roles. */
  readonly groups: GroupsApi;
  /** Universes: read, publish a message, restart servers. */
  readonly universes: UniversesApi;
  /** The `x-ratelimit-*` headers of the latest answer that had them. */
  rateLimit: RobloxRateLimitInfo | undefined;

  private current: TokenSet;
  private readonly origin: string;
  private readonly timeout: number;
  private readonly skewMs: number;
  private readonly maxWait: number;
  private readonly maxRetries: number;

  constructor(private readonly options: OpenCloudClientOptions) {
    const owner = 'OpenCloudClient';
    if (!options || typeof options !== 'object') throw new RobloxConfigurationError(`${owner} requires an options object`);
    const client = options.client as unknown as Record<string, unknown> | undefined;
    if (!client || typeof client.refresh !== 'function' || typeof client.provider !== 'object') {
      throw new RobloxConfigurationError(`${owner} requires a client option (a RobloxClient)`);
    }
    if (!isTokenSet(options.tokens)) throw new RobloxConfigurationError(`${owner} requires a tokens option (a TokenSet)`);
    for (const name of ['onTokens', 'onGrantEnded', 'onRateLimit'] as const) {
      if (options[name] !== undefined && typeof options[name] !== 'function') throw new RobloxConfigurationError(`${owner} ${name} option must be a function`);
    }
    checkNumber('timeout', options.timeout, 1, 2_147_483_647);
    checkNumber('skewSeconds', options.skewSeconds, 0);
    checkNumber('maxRateLimitWaitMs', options.maxRateLimitWaitMs, 0, 2_147_483_647);
    checkNumber('maxRateLimitRetries', options.maxRateLimitRetries, 0, 10);
    this.current = options.tokens;
    this.origin = originOf(owner, options.baseURL ?? options.client.provider.issuer);
    this.timeout = options.timeout ?? options.client.provider.timeout;
    this.skewMs = (options.skewSeconds ?? 60) * 1000;
    this.maxWait = options.maxRateLimitWaitMs ?? 5000;
    this.maxRetries = options.maxRateLimitRetries ?? 2;
    this.users = new UsersApi(this);
    this.groups = new GroupsApi(this);
    this.universes = new UniversesApi(this);
  }

  /** The user's current TokenSet (the refreshed one after a refresh). */
  get tokens(): TokenSet {
    return this.current;
  }

  /** Whether the token carries every scope given. */
  hasScopes(...scopes: string[]): boolean {
    return scopes.every((s) => this.current.scope.includes(s));
  }

  /** Calls any OAuth-capable Open Cloud operation with the user's token; see {@link OpenCloudRequest}. */
  async request<T = unknown>(req: OpenCloudRequest<T>): Promise<T> {
    const what = req.what ?? 'an Open Cloud call';
    if (typeof req.path !== 'string' || !PATH.test(req.path) || /(^|\/)\.\.?(\/|$)/.test(req.path)) {
      throw new RobloxInvalidArgumentError(`The path of ${what} must be an absolute path without a query`, { providerStatus: 0 });
    }
    const missing = (req.scopes ?? []).filter((s) => !this.current.scope.includes(s));
    if (missing.length) {
      throw new RobloxPermissionDeniedError(`Roblox would refuse ${what}: the user's token lacks the scope ${missing.join(', ')}`, 'missing_scope', missing, { providerStatus: 0 });
    }
    const url = new URL(req.path, this.origin);
    for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);

    let tokens = await this.fresh();
    let retried401 = false;
    for (let attempt = 0; ; attempt++) {
      const res = await send(url, {
        method: req.method,
        timeout: this.timeout,
        headers: { authorization: `Bearer ${tokens.accessToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body,
      });
      const rateLimit = rateLimitOf(res.headers);
      if (rateLimit) {
        this.rateLimit = rateLimit;
        this.options.onRateLimit?.(rateLimit);
      }
      if (res.status >= 200 && res.status < 300) return this.parse(res, req, what);
      if (res.status === 401) {
        if (retried401 || !tokens.refreshToken) return this.grantEnded(`Roblox no longer accepts the user's token (${what})`);
        retried401 = true;
        tokens = await this.refresh(tokens);
        continue;
      }
      if (res.status === 429) {
        const asked = retryAfterMs(res.headers);
        const wait = asked ?? Math.min(500 * 2 ** attempt, 8000);
        if (attempt < this.maxRetries && wait <= this.maxWait) {
          await sleep(wait);
          continue;
        }
        throw new RobloxRateLimitError(`Roblox limits how often the app may call ${what} for this user: try again in ${Math.ceil(wait / 1000)} s`, wait, {
          providerStatus: 429, providerCode: 'RESOURCE_EXHAUSTED', rateLimit,
        });
      }
      throw refusal({ what, resourceScoped: req.resourceScoped === true, status: res.status, body: res.body, rateLimit, secrets: this.secrets() });
    }
  }

  private parse<T>(res: HttpResponse, req: OpenCloudRequest<T>, what: string): T {
    let json: unknown;
    if (res.body.trim() !== '') {
      try {
        json = JSON.parse(res.body);
      } catch (cause) {
        throw new RobloxResponseError(`Roblox answered ${what} with a body that is not JSON`, res.status, { cause });
      }
    }
    return req.parse ? req.parse(json) : (json as T);
  }

  private secrets(): string[] {
    return [this.current.accessToken, this.current.refreshToken ?? '', this.current.idToken ?? ''];
  }

  /** The tokens to send: refreshed first when they expire within the skew. */
  private async fresh(): Promise<TokenSet> {
    const known = knownSuccessor(this.options.client, this.current);
    if (known) await this.adopt(known);
    const tokens = this.current;
    if (tokens.expiresAt - this.skewMs > Date.now()) return tokens;
    if (tokens.refreshToken) return this.refresh(tokens);
    if (tokens.expiresAt <= Date.now()) return this.grantEnded('the Roblox access token has expired and there is no refresh token');
    return tokens;
  }

  private async refresh(tokens: TokenSet): Promise<TokenSet> {
    try {
      const next = await refreshGrant(this.options.client, tokens, this.options.subject);
      await this.adopt(next);
      return next;
    } catch (err) {
      if ((err instanceof RobloxOAuthError && err.error === 'invalid_grant') || err instanceof RobloxIdTokenError) {
        return this.grantEnded('Roblox ended the user\'s authorization', err);
      }
      const rescued = rescuedRefreshToken(err);
      if (rescued) await this.adopt({ ...tokens, refreshToken: rescued });
      throw err;
    }
  }

  private async adopt(next: TokenSet): Promise<void> {
    if (next === this.current || (next.accessToken === this.current.accessToken && next.refreshToken === this.current.refreshToken)) return;
    this.current = next;
    await this.options.onTokens?.(next);
  }

  private async grantEnded(message: string, cause?: unknown): Promise<never> {
    await this.options.onGrantEnded?.();
    throw new RobloxSignInRequiredError(`Sign in with Roblox again: ${message}`, cause === undefined ? undefined : { cause });
  }
}
