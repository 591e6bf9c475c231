import type { EmulatorSettings } from './defaults';
import type { Faults } from './faults';
import type { GrantStore } from './grants';
import type { IdTokenIssuer } from './id-tokens';
import type { KeyStore } from './keys';
import type { UserinfoTweak } from './tweak-types';
import type { EmulatorClient, EmulatorUser } from './types';

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
  readonly faults: Faults;
  readonly userinfoTweaks: UserinfoTweak[];
  readonly discoveryBody: string;
}

/** The discovery document: Roblox's, field for field, with every emulated endpoint under the emulator's issuer. */
export function discoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}v1/authorize`,
    token_endpoint: `${issuer}v1/token`,
    introspection_endpoint: `${issuer}v1/token/introspect`,
    revocation_endpoint: `${issuer}v1/token/revoke`,
    resources_endpoint: `${issuer}v1/token/resources`,
    userinfo_endpoint: `${issuer}v1/userinfo`,
    jwks_uri: `${issuer}v1/certs`,
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
