/**
 * A local Roblox OAuth 2.0 / OpenID Connect provider for apps, tests, demos and benchmarks.
 *
 * @example
 * ```ts
 * import { createRobloxEmulator } from 'passport-roblox-oidc/emulator';
 *
 * const emu = await createRobloxEmulator({ autoApprove: true });
 * console.log(emu.issuer); // http://127.0.0.1:PORT/oauth/
 * await emu.close();
 * ```
 *
 * @packageDocumentation
 */
export { createRobloxEmulator } from './emulator';
export {
  ROBLOX_EMULATOR_CLIENT_ID,
  ROBLOX_EMULATOR_CLIENT_SECRET,
  ROBLOX_EMULATOR_PUBLIC_CLIENT_ID,
  ROBLOX_EMULATOR_SCOPES,
  ROBLOX_EMULATOR_USERS,
  ROBLOX_MAX_REDIRECT_URIS,
  ROBLOX_MAX_REDIRECT_URI_LENGTH,
  ROBLOX_UNPUBLISHED_USER_LIMIT,
} from './defaults';
export type {
  AutoApprove,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorEndpoint,
  EmulatorEndpointURLs,
  EmulatorResources,
  EmulatorResourcesOptions,
  EmulatorUser,
  EmulatorUserOptions,
  RobloxEmulator,
  RobloxEmulatorOptions,
} from './types';
export { OPEN_CLOUD_RATE_LIMITS } from './open-cloud/seed';
export type {
  EmulatorOpenCloud, OpenCloudFailure, OpenCloudGroupSeed, OpenCloudInventoryItemSeed, OpenCloudOperation, OpenCloudRoleSeed,
  OpenCloudSeedOptions, OpenCloudUniverseSeed, OpenCloudUserSeed, PublishedMessage, ServerRestart,
} from './open-cloud/types';
export type {
  EmulatorFailure,
  IdTokenContext,
  IdTokenDraft,
  IdTokenPatch,
  IdTokenSigner,
  IdTokenTweak,
  IssueIdTokenOptions,
  TokenResponseContext,
  TokenResponseTweak,
  UserinfoContext,
  UserinfoTweak,
} from './tweak-types';
