import './request';
export { refreshTokens, authorizedResources, revokeTokens, unlinkRoblox } from './hooks';
export type { FastifyRefreshTokensOptions, FastifyAuthorizedResourcesOptions, FastifyRevokeTokensOptions } from './hooks';
export { fastifySignInRequired, prefersText } from './sign-in-required';
export type {
  RobloxFastifyRequest, RobloxFastifyReply, RobloxFastifyHook, FastifySignInRequiredHandler, FastifySignInRequiredOptions,
} from './types';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from '../tokens/memory-token-store';
export type { TokenSet, TokenStore } from '../tokens/token-set';
