import type { Request } from 'express';
import { sessionOf } from '../tokens/session';
import OAuth2Strategy from 'passport-oauth2';
import { AuthorizationURLBuilder } from './authorize-url';
import { RobloxClient } from '../provider/client';
import { ROBLOX_ISSUER, robloxEndpoints } from '../provider/endpoints';
import { RobloxConfigurationError, RobloxOAuthError, RobloxResponseError } from '../errors';
import { authorizationFailure, callbackFailure, classifyCallbackError, stateFailure, type RobloxAuthFailure } from './failures';
import type { RobloxIdTokenClaims } from '../provider/id-token';
import {
  normalizePrompt, normalizeScope, OPENID_REQUIRED, resolveStrategyOptions,
  type ResolvedStrategyOptions, type RobloxStrategyOptions, type RobloxStrategyOptionsWithRequest,
} from './options';
import { persistLink, persistOnLogIn } from './persist-login';
import { parseProfile, type RobloxProfile } from '../provider/profile';
import { isSafeReturnTo } from './return-to';
import { SessionTransactionStore, type LoginTransaction } from './state-store';
import type { TokenSet } from '../tokens/token-set';
import type {
  AsyncVerifyFunction, AsyncVerifyFunctionWithParams, AsyncVerifyFunctionWithRequest, AsyncVerifyFunctionWithRequestAndParams,
  RobloxTokenParams, VerifyFunction, VerifyFunctionWithParams, VerifyFunctionWithRequest, VerifyFunctionWithRequestAndParams,
} from './verify';
import { invokeVerify } from './verify';

/**
 * Options accepted per request by `passport.authenticate('roblox', options)`, besides Passport's own
 * (`failureRedirect`, `successReturnToOrRedirect`, …).
 *
 * @example
 * ```ts
 * app.get('/auth/roblox/publish', passport.authenticate('roblox', {
 *   scope: ['openid', 'profile', 'universe-messaging-service:publish'], prompt: 'consent', returnTo: '/publish',
 * }));
 * ```
 */
export interface RobloxAuthenticateOptions {
  /** Scopes for this login, replacing the strategy's. */
  scope?: string | string[];
  /** `prompt` for this login (`'login'`, `'consent'`, `'select_account'`, `'none'`). */
  prompt?: string;
  /** A same-site path (`/settings`) to return to after login; anything else is ignored. */
  returnTo?: string;
  [key: string]: unknown;
}

const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss'] as const;

type Redeemed = { failure: RobloxAuthFailure } | { tokens: TokenSet; params: Record<string, unknown>; profile: RobloxProfile };

/**
 * "Sign in with Roblox" for Passport: authorization code flow with PKCE (S256), a fresh state and nonce per
 * login (several tabs may log in at once), a verified ES256 ID token, userinfo whose `sub` must match, and the
 * user's TokenSet persisted through the TokenStore after `req.logIn`.
 *
 * The verify callback may take any of passport-oauth2's forms, told apart by arity:
 * `(accessToken, refreshToken, profile, done)`, `(accessToken, refreshToken, params, profile, done)`, the same
 * with `req` first when `passReqToCallback: true`, or an `async` function without `done` that returns the user
 * (`false`/`null`/`undefined` to refuse the login, a throw for an error). For `async` functions the arity does not
 * count `done`: `async (accessToken, refreshToken, profile)` and `async (accessToken, refreshToken, params, profile)`.
 * TypeScript types the parameters of the profile forms by itself; annotate the params forms
 * (`(accessToken: string, refreshToken: string | undefined, params: RobloxTokenParams, profile: RobloxProfile, done: VerifyCallback)`).
 *
 * With `passport.authorize('roblox')` (account linking: `assignProperty` set, no login follows) the user must already be
 * signed in (`req.user`, else `fail()` with `ERR_ROBLOX_LINK`); the TokenSet is stored for that user through the
 * TokenStore and the verify callback's result lands in `req.account`. `unlinkRoblox()` revokes and forgets it.
 *
 * Refused logins (denied consent, bad or replayed state, a rejected code, an ID token that does not verify) call
 * `fail()` with a {@link RobloxAuthFailure}; outages and misconfiguration call `error()` with a typed RobloxError.
 *
 * @example
 * ```ts
 * passport.use(new RobloxStrategy({
 *   clientID: process.env.ROBLOX_CLIENT_ID!,
 *   clientSecret: process.env.ROBLOX_CLIENT_SECRET,
 *   callbackURL: 'https://app.example/auth/roblox/callback',
 * }, async (accessToken, refreshToken, profile) => users.upsert({ robloxId: profile.id, name: profile.displayName })));
 *
 * app.get('/auth/roblox', passport.authenticate('roblox'));
 * app.get('/auth/roblox/callback', passport.authenticate('roblox', {
 *   failureRedirect: '/login', failureMessage: true, successReturnToOrRedirect: '/',
 * }));
 * ```
 */
export class RobloxStrategy extends OAuth2Strategy {
  /** A RobloxClient with the strategy's configuration; use it for refresh, revoke and resources. */
  readonly client: RobloxClient;
  private readonly settings: ResolvedStrategyOptions;
  private readonly transactions: SessionTransactionStore;
  private readonly authorizationURLs: AuthorizationURLBuilder;
  private readonly verifyFn: Function;

  // Only the first overload of each group gives unannotated lambdas their parameter types: the params forms
  // need annotations (`params: RobloxTokenParams`) to be told apart from the `done` forms of the same arity.
  constructor(options: RobloxStrategyOptions, verify: VerifyFunction);
  constructor(options: RobloxStrategyOptions, verify: AsyncVerifyFunction);
  constructor(options: RobloxStrategyOptions, verify: VerifyFunctionWithParams);
  constructor(options: RobloxStrategyOptions, verify: AsyncVerifyFunctionWithParams);
  constructor(options: RobloxStrategyOptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(options: RobloxStrategyOptionsWithRequest, verify: AsyncVerifyFunctionWithRequest);
  constructor(options: RobloxStrategyOptionsWithRequest, verify: VerifyFunctionWithRequestAndParams);
  constructor(options: RobloxStrategyOptionsWithRequest, verify: AsyncVerifyFunctionWithRequestAndParams);
  constructor(options: RobloxStrategyOptions | RobloxStrategyOptionsWithRequest, verify: Function) {
    const settings = resolveStrategyOptions(options, verify);
    const placeholders = robloxEndpoints(settings.provider.issuer ?? ROBLOX_ISSUER);
    super({
      authorizationURL: settings.provider.authorizationURL ?? placeholders.authorizationURL,
      tokenURL: settings.provider.tokenURL ?? placeholders.tokenURL,
      clientID: settings.provider.clientID,
      clientSecret: settings.provider.clientSecret ?? '',
      callbackURL: settings.callbackURL,
      scope: settings.scope,
    }, verify as OAuth2Strategy.VerifyFunction);
    this.name = 'roblox';
    this.settings = settings;
    this.verifyFn = verify;
    this.client = new RobloxClient(settings.provider);
    this.authorizationURLs = new AuthorizationURLBuilder(settings.provider.clientID, settings.callbackURL);
    this.transactions = new SessionTransactionStore({ key: settings.sessionKey, ttl: settings.transactionTTL, max: settings.maxTransactions });
  }

  /** Starts a login (redirect to Roblox) or finishes one (the callback with `code`/`state` or `error`). */
  override authenticate(req: Request, options?: RobloxAuthenticateOptions): void {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const isCallback = query.code !== undefined || query.state !== undefined || query.error !== undefined;
    const work = isCallback ? this.finishLogin(req, query, options ?? {}) : this.startLogin(req, options ?? {});
    work.catch((err: unknown) => this.error(err instanceof Error ? err : new Error(String(err))));
  }

  /** Loads the user's profile with the userinfo endpoint, as passport-oauth2 users expect. */
  override userProfile(accessToken: string, done: (err?: unknown, profile?: RobloxProfile) => void): void {
    this.client.userinfo(accessToken).then((profile) => done(null, profile), (err: unknown) => done(err));
  }

  private async startLogin(req: Request, options: RobloxAuthenticateOptions): Promise<void> {
    const endpoints = this.client.provider.current ?? (await this.client.provider.endpoints());
    const scope = options.scope !== undefined ? normalizeScope(options.scope, 'scope authenticate option') : this.settings.scope;
    const prompt = options.prompt !== undefined ? normalizePrompt(options.prompt, 'prompt authenticate option') : this.settings.prompt;
    if (!scope.includes('openid')) throw new RobloxConfigurationError(`RobloxStrategy ${OPENID_REQUIRED.replace('scope option', 'scope authenticate option')}`);
    const started = this.transactions.begin(req, {
      redirectUri: this.settings.callbackURL,
      scope,
      returnTo: this.pickReturnTo(req, options),
    });
    const url = this.authorizationURLs.build(endpoints.authorizationURL, scope, prompt, started);
    // No explicit session save: express-session saves before the redirect's response ends.
    this.redirect(url);
  }

  private pickReturnTo(req: Request, options: RobloxAuthenticateOptions): string | undefined {
    if (isSafeReturnTo(options.returnTo)) return options.returnTo;
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (this.settings.returnToQuery && isSafeReturnTo(query.returnTo)) return query.returnTo;
    // e.g. set by connect-ensure-login; passport 0.7 would drop it when it regenerates the session.
    const session = sessionOf(req);
    return session && isSafeReturnTo(session.returnTo) ? session.returnTo : undefined;
  }

  private async finishLogin(req: Request, query: Record<string, unknown>, options: RobloxAuthenticateOptions): Promise<void> {
    const refuse = (failure: RobloxAuthFailure) => this.fail(failure, 401);
    if (CALLBACK_PARAMS.some((name) => query[name] !== undefined && typeof query[name] !== 'string')) {
      return refuse(callbackFailure('The sign-in response is malformed (a parameter is repeated). Please sign in again.'));
    }
    if (query.iss !== undefined && query.iss !== this.client.provider.issuer) {
      return refuse(callbackFailure('The sign-in response came from an unexpected issuer. Please sign in again.'));
    }
    // RFC 9207: a provider that promises `iss` on every response sends it; a response without one is a mix-up.
    if (query.iss === undefined && (this.client.provider.current ?? (await this.client.provider.endpoints())).issParameterSupported) {
      return refuse(callbackFailure('The sign-in response did not say which issuer sent it. Please sign in again.'));
    }
    // Consumed in memory only: the session is saved with the response, and a concurrent replay of the same
    // callback cannot win anyway, since the provider redeems a code once.
    const found = this.transactions.take(req, query.state);
    if ('problem' in found) return refuse(stateFailure(found.problem));
    const tx = found.transaction;
    if (query.error !== undefined) return refuse(authorizationFailure(query.error as string));
    // Linking (passport.authorize) needs the site's user before the code is redeemed for them.
    if (options.assignProperty !== undefined && !req.user) return refuse({ message: 'Sign in before linking your Roblox account.', code: 'ERR_ROBLOX_LINK' });
    if (typeof query.code !== 'string' || query.code === '') {
      return refuse(callbackFailure('The sign-in response has no authorization code. Please sign in again.'));
    }

    let login: Redeemed;
    try {
      login = await this.redeem(query.code, tx);
    } catch (err) {
      const sorted = classifyCallbackError(err);
      return 'fail' in sorted ? refuse(sorted.fail) : this.error(sorted.error as Error);
    }
    if ('failure' in login) return refuse(login.failure);
    const { tokens, params, profile } = login;

    const outcome = await invokeVerify(this.verifyFn, this.settings.passReqToCallback, {
      req, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, params: params as RobloxTokenParams, profile,
    }, this.settings.verifyForm);
    if (outcome.kind === 'error') return this.error(outcome.error as Error);
    if (outcome.kind === 'fail') return this.fail(outcome.info ?? { message: 'Your account could not be signed in.', code: 'ERR_ROBLOX_VERIFY' }, 401);

    if (options.assignProperty !== undefined) {
      // passport.authorize(): no login follows, the account is linked to the user already signed in.
      await persistLink(req, this.settings.tokenStore, tokens);
      return this.success(outcome.user, outcome.info);
    }
    persistOnLogIn(req, {
      tokenStore: this.settings.tokenStore,
      tokens,
      returnTo: tx.returnTo,
      transactions: this.transactions,
      pending: this.transactions.pending(req),
      consumedState: query.state as string,
    });
    this.success(outcome.user, tx.returnTo !== undefined ? { ...outcome.info, returnTo: tx.returnTo } : outcome.info);
  }

  /** Exchanges the code, verifies the ID token, then reads userinfo (whose `sub` must match). Throws provider errors. */
  private async redeem(code: string, tx: LoginTransaction): Promise<Redeemed> {
    const { tokens, params } = await this.client.exchangeCode({ code, codeVerifier: tx.codeVerifier, redirectUri: tx.redirectUri, scope: tx.scope });
    // Every login asks for openid (the options insist), so every answer carries an ID token.
    if (!tokens.idToken) return { failure: { message: 'Roblox did not return an ID token for this sign-in.', code: 'ERR_ROBLOX_ID_TOKEN' } };
    const claims: RobloxIdTokenClaims = await this.client.verifyIdToken(tokens.idToken, { nonce: tx.nonce });
    if (!this.settings.userInfo) return { tokens, params, profile: parseProfile(claims, undefined, claims) };
    const profile = await this.client.userinfo(tokens.accessToken).catch((err: unknown) => {
      // The token endpoint issued this token a moment ago: a userinfo that refuses it is a provider fault
      // (502), not a sign-in the user could fix.
      if (err instanceof RobloxOAuthError) throw new RobloxResponseError('The userinfo endpoint refused the access token just issued', err.providerStatus);
      throw err;
    });
    if (profile.id !== claims.sub) {
      return { failure: { message: 'Roblox returned user info for a different user than the ID token.', code: 'ERR_ROBLOX_USERINFO' } };
    }
    profile.claims = claims;
    return { tokens, params, profile };
  }
}

/**
 * The same class as {@link RobloxStrategy}, under the name Passport strategies conventionally export.
 *
 * @example
 * ```ts
 * import { Strategy as RobloxStrategy } from 'passport-roblox-oidc';
 * ```
 */
export { RobloxStrategy as Strategy };
