import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { RobloxConfigurationError, RobloxError, RobloxIdTokenError, RobloxResponseError } from '../errors';
import { getJson } from './http';
import { isObject } from '../tokens/is-object';

/** Claims of a verified Roblox ID token. */
export interface RobloxIdTokenClaims extends JWTPayload {
  sub: string;
  iss: string;
  exp: number;
  iat: number;
  nonce?: string;
  name?: string;
  nickname?: string;
  preferred_username?: string;
  created_at?: number;
  profile?: string;
  picture?: string | null;
}

/** What a verifier needs to know about the provider and the client. */
export interface IdTokenVerifierOptions {
  issuer: string;
  clientID: string;
  jwksURL: string;
  /** The provider's `id_token_signing_alg_values_supported`; only asymmetric algorithms are kept. */
  algorithms: string[];
  /** Seconds of clock skew tolerated for `exp`, `nbf` and `iat`. */
  clockTolerance: number;
  /** Milliseconds for a JWKS fetch. */
  timeout: number;
  /** Minimum milliseconds between two JWKS refetches caused by an unknown `kid` (default 30 s). */
  jwksCooldown?: number;
  /** Milliseconds after which the cached JWKS is refetched on next use (default 10 minutes). */
  jwksMaxAge?: number;
}

/** What a particular token must additionally match. */
export interface IdTokenExpectations {
  /** The nonce sent with the authorization request; required at login. */
  nonce?: string;
  /** The subject of the original ID token; required when verifying a refreshed one. */
  sub?: string;
}

/** Verifies an ID token and returns its claims, or rejects with RobloxIdTokenError. */
export type IdTokenVerifier = (idToken: string, expect: IdTokenExpectations) => Promise<RobloxIdTokenClaims>;

/** The ID-token signing algorithms this library accepts: asymmetric only, never `none` or HMAC. */
export const ACCEPTED_ID_TOKEN_ALGS: ReadonlySet<string> = new Set(['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA', 'Ed25519']);

/**
 * A JWKS kept in memory: fetched once, refetched when a token names an unknown `kid` (at most once per
 * cooldown, so forged `kid`s cannot make us hammer the provider) or when older than `maxAge`.
 */
class JwksCache {
  private local: JWTVerifyGetKey | undefined;
  private fetchedAt = 0;
  private lastUnknownKidRefetch = -Infinity;
  private inflight: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly url: string,
    private readonly timeout: number,
    private readonly cooldown: number,
    private readonly maxAge: number,
  ) {}

  private fetch(): Promise<JWTVerifyGetKey> {
    this.inflight ??= getJson(this.url, this.timeout)
      .then((jwks) => {
        if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw new RobloxResponseError('The provider JWKS is not a key set', 200);
        // Caches only improve: an answer without a single signing key never replaces a set that works.
        if (!jwks.keys.some(isSigningKey)) throw new RobloxResponseError('The provider JWKS has no usable signing key', 200);
        let local: JWTVerifyGetKey;
        try {
          local = createLocalJWKSet(jwks as unknown as JSONWebKeySet);
        } catch {
          // A provider fault, not a bad token: it must not read as "ID token rejected" (which signs users out).
          throw new RobloxResponseError('The provider JWKS is malformed', 200);
        }
        this.local = local;
        this.fetchedAt = Date.now();
        return local;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /**
   * The keys to try first: the cached set, refetched once it is older than `maxAge`. A refetch for age that
   * fails keeps the keys we had (tried again after a cooldown): a JWKS outage must not fail tokens signed by
   * keys we already know, e.g. the refreshed ID token of a refresh token Roblox has just rotated.
   */
  private async current(): Promise<JWTVerifyGetKey> {
    const held = this.local;
    if (!held) return this.fetch();
    if (Date.now() - this.fetchedAt < this.maxAge) return held;
    try {
      return await this.fetch();
    } catch {
      this.fetchedAt = Date.now() - this.maxAge + this.cooldown;
      return held;
    }
  }

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    const keys = await this.current();
    try {
      return await keys(header, token);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey) || Date.now() - this.lastUnknownKidRefetch < this.cooldown) throw err;
      this.lastUnknownKidRefetch = Date.now();
      return (await this.fetch())(header, token);
    }
  };
}

/** A public key that could verify a signature: EC, RSA or OKP, not marked for encryption, without private parts. */
function isSigningKey(key: unknown): boolean {
  return isObject(key) && ['EC', 'RSA', 'OKP'].includes(key.kty as string) && key.use !== 'enc' && key.d === undefined;
}

/**
 * Creates an ID-token verifier: signature with a cached JWKS, algorithm from the provider's list (never
 * `none` or HMAC), `iss` exact, `aud` containing the client (and `azp` equal to it when there are several
 * audiences or `azp` is present), `exp`, `nbf`, `iat` not in the future, `sub` present, and `nonce`.
 *
 * @example
 * ```ts
 * const verify = createIdTokenVerifier({ issuer, clientID, jwksURL, algorithms: ['ES256'], clockTolerance: 30, timeout: 10_000 });
 * const claims = await verify(idToken, { nonce });
 * ```
 */
export function createIdTokenVerifier(options: IdTokenVerifierOptions): IdTokenVerifier {
  const algorithms = options.algorithms.filter((a) => ACCEPTED_ID_TOKEN_ALGS.has(a));
  if (algorithms.length === 0) {
    throw new RobloxConfigurationError(
      'The provider offers no acceptable ID token signing algorithm (none and HMAC are refused)',
    );
  }
  const jwks = new JwksCache(options.jwksURL, options.timeout, options.jwksCooldown ?? 30_000, options.jwksMaxAge ?? 600_000);

  return async (idToken, expect) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, jwks.getKey, {
        issuer: options.issuer,
        audience: options.clientID,
        algorithms,
        clockTolerance: options.clockTolerance,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
      }));
    } catch (cause) {
      // A JWKS that could not be fetched or read is the provider's fault (RobloxResponseError and the like), not a
      // refused token: it must not sign the user out.
      if (cause instanceof RobloxError) throw cause;
      // No cause: jose's errors carry the token's payload and provider-chosen header text.
      throw new RobloxIdTokenError(`ID token rejected: ${reason(cause)}`);
    }
    const fail = (why: string) => new RobloxIdTokenError(`ID token rejected: ${why}`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw fail('"sub" claim is missing');
    if (typeof payload.iat !== 'number' || payload.iat > now + options.clockTolerance) throw fail('"iat" claim is in the future');
    const severalAudiences = Array.isArray(payload.aud) && payload.aud.length > 1;
    if (severalAudiences || payload.azp !== undefined) {
      if (payload.azp !== options.clientID) throw fail('"azp" claim does not equal the client ID');
    }
    if (expect.nonce !== undefined && payload.nonce !== expect.nonce) throw fail('"nonce" claim does not match the login');
    if (expect.sub !== undefined && payload.sub !== expect.sub) throw fail('"sub" claim does not match the signed-in user');
    return payload as RobloxIdTokenClaims;
  };
}

/**
 * Why jose refused a token, in our words. jose's own messages can quote the token (a `crit` header name, a
 * claim name), which is provider text: only the error's class and a claim from our fixed list are read.
 */
function reason(cause: unknown): string {
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (cause instanceof joseErrors.JWKSNoMatchingKey) return 'no key in the provider JWKS matches the token';
  if (cause instanceof joseErrors.JWKSMultipleMatchingKeys) return 'several keys in the provider JWKS match the token';
  if (cause instanceof joseErrors.JOSEAlgNotAllowed) return 'signing algorithm not allowed';
  if (cause instanceof joseErrors.JWTExpired) return '"exp" claim is in the past';
  if (cause instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = CLAIMS.has(cause.claim) ? cause.claim : 'a';
    return cause.reason === 'missing' ? `"${claim}" claim is missing` : `"${claim}" claim is invalid`;
  }
  if (cause instanceof joseErrors.JWTInvalid) return 'the payload is not a valid JWT claims set';
  if (cause instanceof joseErrors.JOSENotSupported) return 'the token uses an unsupported algorithm or header';
  if (cause instanceof joseErrors.JWSInvalid) return 'the token is not a valid signed JWT';
  if (cause instanceof joseErrors.JOSEError) return 'the token could not be verified';
  return 'malformed token';
}

/**
 * The claims jose checks with our options (`azp`, `nonce` and `sub`'s type are checked above, in our words);
 * any other name jose might report is not repeated.
 */
const CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat']);
