/**
 * Calls to Roblox Open Cloud with a signed-in user's OAuth tokens: a framework-free client and an Express middleware.
 *
 * @example
 * ```ts
 * import { openCloud } from 'passport-roblox-oidc/open-cloud';
 * app.get('/me/roblox', openCloud({ client: strategy.client }), async (req, res) => res.json(await req.robloxCloud!.users.get(id)));
 * ```
 *
 * @packageDocumentation
 */
export { OpenCloudClient, type OpenCloudClientOptions, type OpenCloudRequest } from './client';
export { openCloud, type OpenCloudOptions } from './middleware';
export type { RobloxOpenCloudRequestFields } from './request';
export { OpenCloudPager } from './pager';
export { UsersApi, inventoryFilterText, type OpenCloudThumbnailWaitOptions } from './users';
export { GroupsApi, membershipFilterText } from './groups';
export { UniversesApi, OPEN_CLOUD_MAX_MESSAGE_LENGTH, OPEN_CLOUD_MAX_TOPIC_LENGTH } from './universes';
export { idOf } from './ids';
export { rateLimitOf, retryAfterMs } from './rate-limit';
export type * from './types';
export {
  RobloxOpenCloudError, RobloxPermissionDeniedError, RobloxNotFoundError, RobloxInvalidArgumentError, RobloxRateLimitError,
  RobloxSignInRequiredError, type RobloxRateLimitInfo, type RobloxPermissionDeniedReason, type RobloxOpenCloudErrorDetails,
} from '../errors';
