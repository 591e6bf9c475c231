/**
 * `passport-roblox-oidc/redis`: refresh coordination and token storage shared by processes and servers, on Redis.
 * node-redis (v4, v5) or ioredis, whichever your app already uses; neither is a dependency of this package.
 *
 * @example
 * ```ts
 * import { createRedisRefreshCoordinator, RedisTokenStore } from 'passport-roblox-oidc/redis';
 * const refreshCoordinator = createRedisRefreshCoordinator({ redis, secret: process.env.ROBLOX_REDIS_SECRET! });
 * const tokenStore = new RedisTokenStore({ redis, secret: process.env.ROBLOX_REDIS_SECRET! });
 * ```
 *
 * @packageDocumentation
 */
export { createRedisRefreshCoordinator, RedisRefreshCoordinator, type RedisRefreshCoordinatorOptions } from './coordinator';
export { RedisTokenStore, type RedisTokenStoreOptions } from './token-store';
