export * from './errors';
export { ROBLOX_ISSUER, robloxEndpoints, type RobloxEndpoints } from './endpoints';
export { createIdTokenVerifier, type RobloxIdTokenClaims, type IdTokenVerifier, type IdTokenVerifierOptions, type IdTokenExpectations } from './id-token';
export { SessionTokenStore, SESSION_TOKENS_KEY, isTokenSet, type TokenSet, type TokenStore } from './tokens';
export type { ClientAuthMethod } from './http';
export { RobloxClient, type RobloxClientOptions, type RobloxIntrospection, type CodeExchangeResult } from './client';
export { parseProfile, type RobloxProfile } from './profile';
export { parseResources, type RobloxAuthorizedResources, type RobloxAuthorizedUniverse, type RobloxResourceOwner } from './resources';
export type { ProviderConfig, EndpointOverrides } from './provider';
