/** Roblox's issuer, exactly as its discovery document and ID tokens state it (trailing slash included). */
export const ROBLOX_ISSUER = 'https://apis.roblox.com/oauth/';

/** The endpoints an OpenID provider exposes, as read from discovery or derived from Roblox's layout. */
export interface RobloxEndpoints {
  issuer: string;
  authorizationURL: string;
  tokenURL: string;
  userInfoURL: string;
  jwksURL: string;
  introspectionURL: string;
  revocationURL: string;
  resourcesURL: string;
  /** Algorithms the provider signs ID tokens with (`id_token_signing_alg_values_supported`). */
  idTokenSigningAlgs: string[];
  /**
   * The provider promises an `iss` parameter on every authorization response (RFC 9207,
   * `authorization_response_iss_parameter_supported`): a callback without one is then refused.
   */
  issParameterSupported?: boolean;
}

/** The URL of an issuer's discovery document. */
export function discoveryURL(issuer: string): string {
  return new URL('.well-known/openid-configuration', issuer).toString();
}

/**
 * Roblox's endpoints under an issuer laid out like Roblox's (`v1/authorize`, `v1/token`, …).
 * Used as-is for Roblox itself, so that the default configuration needs no discovery round trip.
 */
export function robloxEndpoints(issuer: string = ROBLOX_ISSUER): RobloxEndpoints {
  const at = (path: string) => new URL(path, issuer).toString();
  return {
    issuer,
    authorizationURL: at('v1/authorize'),
    tokenURL: at('v1/token'),
    userInfoURL: at('v1/userinfo'),
    jwksURL: at('v1/certs'),
    introspectionURL: at('v1/token/introspect'),
    revocationURL: at('v1/token/revoke'),
    resourcesURL: at('v1/token/resources'),
    idTokenSigningAlgs: ['ES256'],
  };
}
