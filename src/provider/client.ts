import { decodeJwt } from 'jose';
import { RobloxConfigurationError, RobloxIdTokenError, RobloxResponseError } from '../errors';
import { getJson, postForm } from './http';
import { isObject } from '../tokens/is-object';
import type { IdTokenExpectations, RobloxIdTokenClaims } from './id-token';
import { parseProfile, type RobloxProfile } from './profile';
import { Provider, validateProviderConfig, type ProviderConfig } from './provider';
import { parseResources, type RobloxAuthorizedResources } from './resources';
import { rescueRefreshToken } from '../tokens/rescued';
import { isTokenString, tokenSetFromResponse, type TokenSet } from '../tokens/token-set';
import { InProcessRefreshCoordinator, redeemOnce, type RefreshCoordinator } from '../tokens/refresh-coordinator';

/**
 * Options of {@link RobloxClient}: the same as the strategy's provider options.
 * `clientSecret` omitted means a public client.
 */
export type RobloxClientOptions = ProviderConfig;

/** A token's metadata from `POST v1/token/introspect`. */
export interface RobloxIntrospection {
  /** Roblox reports an access token active until it expires, even after the user revoked the grant. */
  active: boolean;
  subject?: string;
  clientId?: string;
  scope: string[];
  /** ms since the epoch. */
  expiresAt?: number;
  /** ms since the epoch. */
  issuedAt?: number;
  tokenType?: string;
  issuer?: string;
  jti?: string;
  /** The body as received. */
  raw: Record<string, unknown>;
}

/** The result of an authorization-code exchange: the TokenSet and the raw token response (passport's `params`). */
export interface CodeExchangeResult {
  tokens: TokenSet;
  params: Record<string, unknown>;
}

/**
 * Calls Roblox's OAuth endpoints for one app: code exchange, refresh, revoke, introspect, resources, userinfo.
 * Every call has the configured timeout and fails with a typed {@link RobloxError}.
 *
 * @example
 * ```ts
 * const client = new RobloxClient({ clientID: process.env.ROBLOX_CLIENT_ID!, clientSecret: process.env.ROBLOX_CLIENT_SECRET });
 * const next = await client.refresh(tokens.refreshToken!);   // store `next`: the old refresh token is now dead
 * const { universes } = await client.resources(next.accessToken);
 * ```
 */
export class RobloxClient {
  /** The resolved provider: endpoints, credentials and the ID-token verifier. */
  readonly provider: Provider;
  /** How refreshes are coordinated: the `refreshCoordinator` option, or one in this process. */
  readonly refreshCoordinator: RefreshCoordinator;

  constructor(options: RobloxClientOptions) {
    validateProviderConfig('RobloxClient', options);
    this.provider = new Provider(options);
    this.refreshCoordinator = options.refreshCoordinator ?? new InProcessRefreshCoordinator();
  }

  /** The client ID this client authenticates as. */
  get clientID(): string {
    return this.provider.credentials.clientID;
  }

  /** Verifies an ID token from this provider for this client (signature, iss, aud, azp, times, nonce, sub). */
  async verifyIdToken(idToken: string, expect: IdTokenExpectations = {}): Promise<RobloxIdTokenClaims> {
    const verify = this.provider.currentVerifier ?? (await this.provider.idTokenVerifier());
    return verify(idToken, expect);
  }

  /** Exchanges an authorization code (with its PKCE verifier and the identical redirect URI) for tokens. */
  async exchangeCode(input: { code: string; codeVerifier: string; redirectUri: string; scope?: string[] }): Promise<CodeExchangeResult> {
    const { tokenURL } = this.provider.current ?? (await this.provider.endpoints());
    const { json } = await postForm(tokenURL, this.provider.credentials, {
      grant_type: 'authorization_code',
      code: input.code,
      code_verifier: input.codeVerifier,
      redirect_uri: input.redirectUri,
    }, this.provider.timeout);
    const tokens = tokenSetFromResponse(json, input.scope);
    return { tokens, params: json as Record<string, unknown> };
  }

  /**
   * Redeems a refresh token. Roblox refresh tokens are single-use: persist the returned TokenSet before
   * anything else can use the old one. A refreshed ID token is verified like at login; pass the signed-in
   * user's `subject` (or it is read from `previousIdToken`) so that a token for another user is rejected.
   */
  async refresh(refreshToken: string, options: { subject?: string; previousIdToken?: string; scope?: string[] } = {}): Promise<TokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw new RobloxConfigurationError('RobloxClient.refresh requires a refresh token');
    }
    const { tokenURL } = await this.provider.endpoints();
    const { json } = await postForm(tokenURL, this.provider.credentials, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    }, this.provider.timeout);
    try {
      const tokens = tokenSetFromResponse(json, options.scope);
      if (tokens.idToken) {
        const subject = options.subject ?? subjectOf(options.previousIdToken);
        await this.verifyIdToken(tokens.idToken, subject ? { sub: subject } : {});
      }
      if (!tokens.refreshToken) tokens.refreshToken = refreshToken;
      return tokens;
    } catch (err) {
      // The token sent is spent: a new one that came with a malformed answer (or before a JWKS outage) is the
      // grant's only key. An ID token that does not verify ends the sign-in instead: nothing of it is kept.
      const next = isObject(json) ? json.refresh_token : undefined;
      if (!(err instanceof RobloxIdTokenError) && typeof next === 'string' && next !== refreshToken && isTokenString(next)) {
        rescueRefreshToken(err, next);
      }
      throw err;
    }
  }

  /**
   * Redeems a refresh token at most once across everything sharing this client's `refreshCoordinator`
   * (this process by default; every instance with the Redis coordinator): concurrent callers, and callers
   * that come with the same token within 60 s, get the same TokenSet (or the same "grant gone" error)
   * instead of spending the token twice. An answer without an ID token keeps `previousIdToken` in the set.
   * Store the result: the old refresh token is dead.
   *
   * @example
   * ```ts
   * const next = await client.refreshOnce(tokens.refreshToken!, { previousIdToken: tokens.idToken });
   * ```
   */
  refreshOnce(refreshToken: string, options: { subject?: string; previousIdToken?: string; scope?: string[] } = {}): Promise<TokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      return Promise.reject(new RobloxConfigurationError('RobloxClient.refreshOnce requires a refresh token'));
    }
    return redeemOnce(this.refreshCoordinator, (rt, o) => this.refresh(rt, o), refreshToken, options);
  }

  /** Revokes a refresh (or access) token; at Roblox this ends the whole grant. Resolves on 200. */
  async revoke(token: string): Promise<void> {
    const { revocationURL } = await this.provider.endpoints();
    if (!revocationURL) throw new RobloxConfigurationError('The provider has no revocation endpoint');
    await this.postClient(revocationURL, { token });
  }

  /** Reads a token's metadata. Note Roblox's quirk: a revoked access token stays `active` until it expires. */
  async introspect(token: string): Promise<RobloxIntrospection> {
    const { introspectionURL } = await this.provider.endpoints();
    if (!introspectionURL) throw new RobloxConfigurationError('The provider has no introspection endpoint');
    const body = await this.postClient(introspectionURL, { token });
    if (!isObject(body) || typeof body.active !== 'boolean') {
      throw new RobloxResponseError('The introspection endpoint answered without "active"', 200);
    }
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const time = (v: unknown) => (typeof v === 'number' ? v * 1000 : undefined);
    const result: RobloxIntrospection = { active: body.active, scope: str(body.scope)?.split(' ').filter(Boolean) ?? [], raw: body };
    const fields = {
      subject: str(body.sub), clientId: str(body.client_id), tokenType: str(body.token_type), issuer: str(body.iss),
      jti: str(body.jti), expiresAt: time(body.exp), issuedAt: time(body.iat),
    };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) (result as unknown as Record<string, unknown>)[k] = v;
    return result;
  }

  /** Lists what the user authorized: universes and creator accounts (users or groups). */
  async resources(accessToken: string): Promise<RobloxAuthorizedResources> {
    const { resourcesURL } = await this.provider.endpoints();
    if (!resourcesURL) throw new RobloxConfigurationError('The provider has no resources endpoint');
    return parseResources(await this.postClient(resourcesURL, { token: accessToken }));
  }

  /** Fetches the user's claims with an access token, as a RobloxProfile. */
  async userinfo(accessToken: string): Promise<RobloxProfile> {
    const { userInfoURL } = this.provider.current ?? (await this.provider.endpoints());
    const body = await getJson(userInfoURL, this.provider.timeout, accessToken);
    if (!isObject(body) || typeof body.sub !== 'string' || body.sub === '') {
      throw new RobloxResponseError('The userinfo endpoint answered without a sub', 200);
    }
    return parseProfile(body);
  }

  private async postClient(url: string, fields: Record<string, string>): Promise<unknown> {
    return (await postForm(url, this.provider.credentials, fields, this.provider.timeout)).json;
  }
}

function subjectOf(idToken: string | undefined): string | undefined {
  if (!idToken) return undefined;
  try {
    const { sub } = decodeJwt(idToken);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
