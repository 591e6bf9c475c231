import type { EmulatorSettings } from './defaults';
import type { Faults } from './faults';
import type { GrantStore } from './grants';
import type { IdTokenIssuer } from './id-tokens';
import type { KeyStore } from './keys';
import type { RefreshTokenSealer } from './refresh-tokens';
import type { TokenResponseTweak, UserinfoTweak } from './tweak-types';
import { DECISION_PATH } from './authorize';
import type { EmulatorClient, EmulatorEndpointURLs, EmulatorUser } from './types';
import type { OpenCloudEmulator } from './open-cloud/open-cloud';

/** Everything a request handler needs: settings, registries and stores of one emulator. */
export interface EmulatorContext {
  readonly settings: EmulatorSettings;
  readonly url: string;
  readonly issuer: string;
  readonly clients: ReadonlyMap<string, EmulatorClient>;
  readonly users: ReadonlyMap<string, EmulatorUser>;
  readonly keys: KeyStore;
  readonly grants: GrantStore;
  readonly idTokens: IdTokenIssuer;
  readonly refreshTokens: RefreshTokenSealer;
  /** Per client: the distinct users who approved it (an unpublished app admits at most 10). */
  readonly authorizedUsers: Map<string, Set<string>>;
  readonly faults: Faults;
  readonly userinfoTweaks: UserinfoTweak[];
  readonly tokenTweaks: TokenResponseTweak[];
  readonly discoveryBody: string;
  /** The local Open Cloud (`/cloud/v2/...`). */
  readonly openCloud: OpenCloudEmulator;
}

/** Every emulated endpoint's URL, at Roblox's paths under the issuer (`${url}/oauth/`). */
export function emulatorEndpoints(url: string, issuer: string): EmulatorEndpointURLs {
  return {
    discovery: `${issuer}.well-known/openid-configuration`,
    authorization: `${issuer}v1/authorize`,
    decision: `${url}${DECISION_PATH}`,
    token: `${issuer}v1/token`,
    introspection: `${issuer}v1/token/introspect`,
    resources: `${issuer}v1/token/resources`,
    revocation: `${issuer}v1/token/revoke`,
    userinfo: `${issuer}v1/userinfo`,
    jwks: `${issuer}v1/certs`,
  };
}

/** The discovery document: Roblox's, field for field, with every emulated endpoint under the emulator's issuer. */
export function discoveryDocument(issuer: string, endpoints: EmulatorEndpointURLs): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: endpoints.authorization,
    token_endpoint: endpoints.token,
    introspection_endpoint: endpoints.introspection,
    revocation_endpoint: endpoints.revocation,
    resources_endpoint: endpoints.resources,
    userinfo_endpoint: endpoints.userinfo,
    jwks_uri: endpoints.jwks,
    // Not emulated: on Roblox these are pages for people (the Creator Dashboard and the docs).
    registration_endpoint: 'https://create.roblox.com/dashboard/credentials',
    service_documentation: 'https://create.roblox.com/docs/reference/cloud',
    scopes_supported: ['openid', 'profile', 'email', 'verification', 'credentials', 'age', 'premium', 'roles'],
    response_types_supported: ['none', 'code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    claims_supported: [
      'sub', 'type', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'nickname', 'preferred_username', 'created_at',
      'profile', 'email', 'email_verified', 'verified', 'age_bracket', 'premium', 'roles', 'internal_user',
    ],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
  };
}
