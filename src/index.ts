export * from './errors';
export { ROBLOX_ISSUER, robloxEndpoints, type RobloxEndpoints } from './provider/endpoints';
export { createIdTokenVerifier, type RobloxIdTokenClaims, type IdTokenVerifier, type IdTokenVerifierOptions, type IdTokenExpectations } from './provider/id-token';
export { SessionTokenStore, SESSION_TOKENS_KEY, isTokenSet, type TokenSet, type TokenStore } from './tokens/token-set';
export { InProcessRefreshCoordinator, type RefreshCoordinator } from './tokens/refresh-coordinator';
export type { Settled } from './tokens/single-flight';
export type { ClientAuthMethod } from './provider/http';
export type { ClientCredentials } from './provider/http';
export { RobloxClient, type RobloxClientOptions, type RobloxIntrospection, type CodeExchangeResult } from './provider/client';
export { parseProfile, type RobloxProfile } from './provider/profile';
export { parseResources, type RobloxAuthorizedResources, type RobloxAuthorizedUniverse, type RobloxResourceOwner } from './provider/resources';
export type { ProviderConfig, EndpointOverrides } from './provider/provider';
export type { Provider } from './provider/provider';
export type { RobloxRequestFields } from './middleware/request';
export { refreshTokens, type RefreshTokensOptions } from './middleware/refresh-tokens';
export { revokeTokens, type RevokeTokensOptions } from './middleware/revoke-tokens';
export { authorizedResources, type AuthorizedResourcesOptions } from './middleware/authorized-resources';
export { unlinkRoblox, type UnlinkRobloxOptions } from './middleware/unlink-roblox';
export { cookieSessionCompat } from './middleware/cookie-session';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './tokens/memory-token-store';
export { COOKIE_LIMIT, sessionCookieSize } from './tokens/cookie-size';
export type { SignInRequiredOptions, SignInRequiredHandler, MiddlewareBaseOptions } from './middleware/options';
export { RobloxStrategy, Strategy, type RobloxAuthenticateOptions } from './login/strategy';
export {
  DEFAULT_SCOPE, type RobloxPrompt, type RobloxStrategyOptions, type RobloxStrategyOptionsBase, type RobloxStrategyOptionsWithRequest,
} from './login/options';
export type {
  RobloxTokenParams, VerifyForm, VerifyCallback, VerifyResult, VerifiedUser, RobloxVerify, RobloxVerifyWithRequest,
  VerifyFunction, VerifyFunctionWithParams, AsyncVerifyFunction, AsyncVerifyFunctionWithParams,
  VerifyFunctionWithRequest, VerifyFunctionWithRequestAndParams, AsyncVerifyFunctionWithRequest, AsyncVerifyFunctionWithRequestAndParams,
} from './login/verify';
export type { RobloxAuthFailure } from './login/failures';
export type { LoginTransaction } from './login/state-store';
export { isSafeReturnTo } from './login/return-to';
