export * from './errors';
export { ROBLOX_ISSUER, robloxEndpoints, type RobloxEndpoints } from './endpoints';
export { createIdTokenVerifier, type RobloxIdTokenClaims, type IdTokenVerifier, type IdTokenVerifierOptions, type IdTokenExpectations } from './id-token';
export { SessionTokenStore, SESSION_TOKENS_KEY, isTokenSet, type TokenSet, type TokenStore } from './tokens';
export type { ClientAuthMethod } from './http';
export { RobloxClient, type RobloxClientOptions, type RobloxIntrospection, type CodeExchangeResult } from './client';
export { parseProfile, type RobloxProfile } from './profile';
export { parseResources, type RobloxAuthorizedResources, type RobloxAuthorizedUniverse, type RobloxResourceOwner } from './resources';
export type { ProviderConfig, EndpointOverrides } from './provider';
export type { RobloxRequestFields } from './middleware/request';
export { refreshTokens, type RefreshTokensOptions } from './middleware/refresh-tokens';
export { revokeTokens, type RevokeTokensOptions } from './middleware/revoke-tokens';
export { authorizedResources, type AuthorizedResourcesOptions } from './middleware/authorized-resources';
export type { SignInRequiredOptions, SignInRequiredHandler, MiddlewareBaseOptions } from './middleware/options';
export { RobloxStrategy, Strategy, type RobloxAuthenticateOptions } from './strategy';
export {
  DEFAULT_SCOPE, type RobloxPrompt, type RobloxStrategyOptions, type RobloxStrategyOptionsBase, type RobloxStrategyOptionsWithRequest,
} from './options';
export type {
  RobloxTokenParams, VerifyCallback, VerifyResult, VerifiedUser, RobloxVerify, RobloxVerifyWithRequest,
  VerifyFunction, VerifyFunctionWithParams, AsyncVerifyFunction, AsyncVerifyFunctionWithParams,
  VerifyFunctionWithRequest, VerifyFunctionWithRequestAndParams, AsyncVerifyFunctionWithRequest, AsyncVerifyFunctionWithRequestAndParams,
} from './verify';
export type { RobloxAuthFailure } from './failures';
export type { LoginTransaction } from './state-store';
export { isSafeReturnTo } from './return-to';
