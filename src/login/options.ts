import { checkSecureURL } from '../provider/discovery';
import { RobloxConfigurationError } from '../errors';
import { validateProviderConfig, type ProviderConfig } from '../provider/provider';
import { SessionTokenStore, type TokenStore } from '../tokens/token-set';
import { checkVerifyForm, type VerifyForm } from './verify';

/**
 * Values of Roblox's `prompt` parameter; several may be combined with spaces (`'login consent'`), except `none`.
 *
 * @example
 * ```ts
 * app.get('/auth/roblox/switch', passport.authenticate('roblox', { prompt: 'select_account' }));
 * ```
 */
export type RobloxPrompt = 'none' | 'login' | 'consent' | 'select_account';

/**
 * Options of {@link RobloxStrategy}. Everything but `clientID` and `callbackURL` has a default.
 *
 * @example
 * ```ts
 * const options: RobloxStrategyOptions = {
 *   clientID: process.env.ROBLOX_CLIENT_ID!,
 *   clientSecret: process.env.ROBLOX_CLIENT_SECRET,   // omit for a public client (PKCE alone)
 *   callbackURL: 'https://app.example/auth/roblox/callback',
 *   scope: ['openid', 'profile'],
 * };
 * ```
 */
export interface RobloxStrategyOptionsBase extends ProviderConfig {
  /** The absolute redirect URI registered for the app (https, or http on a loopback host). */
  callbackURL: string;
  /**
   * Scopes to request, as an array or a space-separated string; must include `openid` (Roblox answers userinfo only
   * for tokens with it, and the ID token verifies the login). Default `['openid', 'profile']`.
   */
  scope?: string | string[] | undefined;
  /** Skip the userinfo call and build the profile from the verified ID-token claims. Default `false`. */
  skipUserInfo?: boolean | undefined;
  /** The opposite of `skipUserInfo`, for those who prefer it: `userInfo: false` skips the call. */
  userInfo?: boolean | undefined;
  /** A default `prompt` for every login (`'login'`, `'consent'`, `'select_account'`, `'none'`). */
  prompt?: RobloxPrompt | (string & {}) | undefined;
  /**
   * Where the TokenSet of a login is kept. Default: a {@link SessionTokenStore} (`req.session.robloxTokens`).
   * `false`: nothing is stored; the app keeps the tokens it receives in the verify callback.
   */
  tokenStore?: TokenStore | false | undefined;
  /** Milliseconds a started login may take before its state expires. Default 600 000 (10 minutes). */
  transactionTTL?: number | undefined;
  /** Pending logins kept per session (tabs); the oldest is evicted beyond this. Default 10. */
  maxTransactions?: number | undefined;
  /** Session key under which pending logins are kept. Default `'roblox:oidc'`. */
  sessionKey?: string | undefined;
  /**
   * Also read the return path from the `returnTo` query parameter of the login route
   * (`/auth/roblox?returnTo=/settings`). Only same-site relative paths are ever honoured. Default `false`.
   */
  returnToQuery?: boolean | undefined;
  /**
   * Names the verify callback's form instead of reading it from its arity: `'profile'` for
   * `([req,] accessToken, refreshToken, profile, done)`, `'params'` for
   * `([req,] accessToken, refreshToken, params, profile, done)`. `done` is then always passed, so an async function
   * may call it or return the user. Useful where arity says nothing reliable (wrappers, default or rest parameters).
   */
  verifyForm?: VerifyForm | undefined;
}

/**
 * {@link RobloxStrategyOptionsBase} where the verify callback does not receive `req`.
 *
 * @example
 * ```ts
 * new RobloxStrategy({ clientID, clientSecret, callbackURL }, async (accessToken, refreshToken, profile) => findUser(profile.id));
 * ```
 */
export interface RobloxStrategyOptions extends RobloxStrategyOptionsBase {
  passReqToCallback?: false | undefined;
}

/**
 * {@link RobloxStrategyOptionsBase} where the verify callback receives `req` first.
 *
 * @example
 * ```ts
 * new RobloxStrategy({ clientID, clientSecret, callbackURL, passReqToCallback: true },
 *   async (req, accessToken, refreshToken, profile) => linkAccount(req.user, profile.id));
 * ```
 */
export interface RobloxStrategyOptionsWithRequest extends RobloxStrategyOptionsBase {
  passReqToCallback: true;
}

/** Options after validation, with every default applied. */
export interface ResolvedStrategyOptions {
  provider: ProviderConfig;
  callbackURL: string;
  scope: string[];
  userInfo: boolean;
  prompt: string | undefined;
  tokenStore: TokenStore | false;
  transactionTTL: number;
  maxTransactions: number;
  sessionKey: string;
  returnToQuery: boolean;
  passReqToCallback: boolean;
  verifyForm: VerifyForm | undefined;
}

/** Why a scope without openid is refused (construction and per-login scope alike). */
export const OPENID_REQUIRED = 'scope option must include openid: Roblox identifies the user by the ID token and answers userinfo only for tokens with openid';

/**
 * The scopes requested when none are configured.
 *
 * @example
 * ```ts
 * new RobloxStrategy({ clientID, callbackURL, scope: [...DEFAULT_SCOPE, 'universe-messaging-service:publish'] }, verify);
 * ```
 */
export const DEFAULT_SCOPE: readonly string[] = ['openid', 'profile'];

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

function configError(message: string): RobloxConfigurationError {
  return new RobloxConfigurationError(`RobloxStrategy ${message}`);
}

/** Normalizes a scope option (array or space-separated string); throws naming `what` when invalid. */
export function normalizeScope(value: unknown, what = 'scope option'): string[] {
  const list = typeof value === 'string' ? value.split(' ') : value;
  if (!Array.isArray(list)) throw configError(`${what} must be a string or an array of strings`);
  const scopes: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') throw configError(`${what} must be a string or an array of strings`);
    if (item === '') continue;
    if (!SCOPE_TOKEN.test(item)) throw configError(`${what} contains an invalid scope ${JSON.stringify(item)}`);
    if (!scopes.includes(item)) scopes.push(item);
  }
  if (scopes.length === 0) throw configError(`${what} must name at least one scope`);
  return scopes;
}

/** Checks a prompt value (`'login'`, `'login consent'`, …); throws naming `what` when invalid. */
export function normalizePrompt(value: unknown, what = 'prompt option'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw configError(`${what} must be a string`);
  const parts = value.split(' ').filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => PROMPTS.has(p))) {
    throw configError(`${what} must be one or more of none, login, consent, select_account`);
  }
  if (parts.includes('none') && parts.length > 1) throw configError(`${what} "none" cannot be combined with other values`);
  return parts.join(' ');
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw configError(`${name} option must be a positive integer`);
  return value;
}

function optionalBoolean(options: Record<string, unknown>, name: string): boolean | undefined {
  const value = options[name];
  if (value !== undefined && typeof value !== 'boolean') throw configError(`${name} option must be a boolean`);
  return value as boolean | undefined;
}

/**
 * Validates the strategy's options, naming the bad option in the message
 * (`RobloxStrategy requires a callbackURL option`), and applies the defaults.
 */
export function resolveStrategyOptions(options: RobloxStrategyOptionsBase & { passReqToCallback?: boolean }, verify: unknown): ResolvedStrategyOptions {
  validateProviderConfig('RobloxStrategy', options);
  if (typeof verify !== 'function') throw configError('requires a verify callback');
  const verifyForm = options.verifyForm;
  if (verifyForm !== undefined && verifyForm !== 'profile' && verifyForm !== 'params') {
    throw configError('verifyForm option must be "profile" or "params"');
  }
  if (verifyForm === undefined) checkVerifyForm(verify, options.passReqToCallback === true);
  const raw = options as unknown as Record<string, unknown>;

  if (typeof options.callbackURL !== 'string' || options.callbackURL === '') throw configError('requires a callbackURL option');
  const callback = checkSecureURL(options.callbackURL, 'RobloxStrategy callbackURL option', (m) => new RobloxConfigurationError(m));
  if (callback.hash) throw configError('callbackURL option must not contain a fragment');

  const scope = options.scope === undefined ? [...DEFAULT_SCOPE] : normalizeScope(options.scope);
  const skip = optionalBoolean(raw, 'skipUserInfo');
  const userInfoOption = optionalBoolean(raw, 'userInfo');
  if (skip !== undefined && userInfoOption !== undefined && skip === userInfoOption) {
    throw configError('skipUserInfo and userInfo options contradict each other; set one of them');
  }
  const userInfo = userInfoOption ?? !(skip ?? false);
  // Roblox answers userinfo only for a token with openid, and the ID token is how a login is verified: a scope
  // without it could never sign anyone in (every callback would end in a refused userinfo call).
  if (!scope.includes('openid')) throw configError(OPENID_REQUIRED);

  const store = options.tokenStore;
  if (store !== undefined && store !== false && (typeof store !== 'object' || store === null || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function')) {
    throw configError('tokenStore option must have get, set and delete methods, or be false');
  }
  const sessionKey = options.sessionKey ?? 'roblox:oidc';
  if (typeof sessionKey !== 'string' || sessionKey === '') throw configError('sessionKey option must be a non-empty string');

  const provider: ProviderConfig = {
    clientID: options.clientID,
    clientSecret: options.clientSecret,
    authMethod: options.authMethod,
    issuer: options.issuer,
    timeout: options.timeout,
    clockTolerance: options.clockTolerance,
    jwksCooldown: options.jwksCooldown,
    refreshCoordinator: options.refreshCoordinator,
    authorizationURL: options.authorizationURL,
    tokenURL: options.tokenURL,
    userInfoURL: options.userInfoURL,
    jwksURL: options.jwksURL,
    introspectionURL: options.introspectionURL,
    revocationURL: options.revocationURL,
    resourcesURL: options.resourcesURL,
  };
  for (const key of Object.keys(provider) as (keyof ProviderConfig)[]) if (provider[key] === undefined) delete provider[key];

  return {
    provider,
    callbackURL: options.callbackURL,
    scope,
    userInfo,
    prompt: normalizePrompt(options.prompt),
    tokenStore: store ?? new SessionTokenStore(),
    transactionTTL: positiveInteger(options.transactionTTL, 'transactionTTL', 600_000),
    maxTransactions: positiveInteger(options.maxTransactions, 'maxTransactions', 10),
    sessionKey,
    returnToQuery: optionalBoolean(raw, 'returnToQuery') ?? false,
    passReqToCallback: optionalBoolean(raw, 'passReqToCallback') ?? false,
    verifyForm,
  };
}
