import type { NextFunction, Request, Response } from 'express';
import type { RobloxClient } from '../provider/client';
import { RobloxConfigurationError, type RobloxSignInRequiredError } from '../errors';
import type { TokenStore } from '../tokens/token-set';

/**
 * Handles the "sign in again" outcome yourself: e.g. `(err, req, res, next) => next(err)` to use your
 * error handler, or `(err, req, res, next) => next()` to let signed-out visitors through.
 *
 * @example
 * ```ts
 * const toLogin: SignInRequiredHandler = (err, req, res) => res.status(401).render('sign-in', { reason: err.message });
 * app.use('/account', refreshTokens({ client, onSignInRequired: toLogin }));
 * ```
 */
export type SignInRequiredHandler = (err: RobloxSignInRequiredError, req: Request, res: Response, next: NextFunction) => void;

/**
 * What happens when a request has no usable Roblox tokens (none stored, or Roblox ended the grant).
 * Default: a 401 (JSON `{ error: 'sign_in_required', code: 'ERR_ROBLOX_SIGN_IN_REQUIRED', message }`, or
 * plain text for clients that do not accept JSON).
 *
 * @example
 * ```ts
 * refreshTokens({ client, redirectTo: '/auth/roblox' });                            // pages
 * refreshTokens({ client, onSignInRequired: (_err, _req, _res, next) => next() });  // optional sign-in
 * ```
 */
export interface SignInRequiredOptions {
  /** Redirect there instead of answering 401 (302 for GET and HEAD, 303 otherwise), e.g. `'/login'`. */
  redirectTo?: string;
  /** Full control over the outcome; wins over `redirectTo`. */
  onSignInRequired?: SignInRequiredHandler;
}

/**
 * Options every middleware factory shares. Use the same store as the strategy's `tokenStore`.
 *
 * @example
 * ```ts
 * const base: MiddlewareBaseOptions = { client: strategy.client, store: new SessionTokenStore() };
 * app.use(refreshTokens(base));
 * ```
 */
export interface MiddlewareBaseOptions {
  /** The app's RobloxClient, usually `strategy.client`. */
  client: RobloxClient;
  /** Where tokens live between requests (default: a SessionTokenStore, i.e. `req.session.robloxTokens`). */
  store?: TokenStore;
}

/** Validates a factory's options once; `owner` names the factory in messages. Returns the options object. */
export function checkOptions<T extends object>(owner: string, options: T | undefined, clientMethods: string[]): T {
  const fail = (msg: string) => new RobloxConfigurationError(`${owner} ${msg}`);
  if (!options || typeof options !== 'object') throw fail('requires an options object with a client option (a RobloxClient)');
  const o = options as Record<string, unknown>;
  const client = o.client as Record<string, unknown> | undefined;
  if (!client || typeof client !== 'object' || !clientMethods.every((m) => typeof client[m] === 'function')) {
    throw fail('requires a client option (a RobloxClient)');
  }
  const store = o.store as Record<string, unknown> | undefined;
  if (store !== undefined && (!store || typeof store !== 'object' || !['get', 'set', 'delete'].every((m) => typeof store[m] === 'function'))) {
    throw fail('store option must implement get, set and delete (a TokenStore)');
  }
  if (o.redirectTo !== undefined && (typeof o.redirectTo !== 'string' || o.redirectTo === '')) {
    throw fail('redirectTo option must be a non-empty string');
  }
  for (const name of ['onSignInRequired', 'onError', 'subject']) {
    if (o[name] !== undefined && typeof o[name] !== 'function') throw fail(`${name} option must be a function`);
  }
  return options;
}

/** Checks an optional numeric option. */
export function checkNumber(owner: string, name: string, value: unknown, min: number): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < min)) {
    throw new RobloxConfigurationError(`${owner} ${name} option must be a number ≥ ${min}`);
  }
}

/** Checks an optional boolean option. */
export function checkBoolean(owner: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new RobloxConfigurationError(`${owner} ${name} option must be a boolean`);
  }
}
