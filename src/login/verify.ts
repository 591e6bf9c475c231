import type { Request } from 'express';
import { RobloxConfigurationError } from '../errors';
import type { RobloxProfile } from '../provider/profile';

/**
 * The raw token-endpoint response of the login (passport-oauth2's `params`): `id_token`, `expires_in`,
 * `scope`, `token_type` and the tokens themselves. Keep it out of logs and messages.
 *
 * @example
 * ```ts
 * new RobloxStrategy(options, (accessToken: string, refreshToken: string | undefined, params: RobloxTokenParams,
 *   profile: RobloxProfile, done: VerifyCallback) => done(null, { id: profile.id, scope: params.scope }));
 * ```
 */
export interface RobloxTokenParams {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  [key: string]: unknown;
}

/** The user an app's verify callback resolves to (whatever `passport.serializeUser` accepts). */
export type VerifiedUser = Express.User;

/**
 * Passport's `done`: `done(err)`, `done(null, false, info)` to fail, or `done(null, user, info)`.
 *
 * @example
 * ```ts
 * (accessToken, refreshToken, profile, done) => (banned(profile.id) ? done(null, false, { message: 'Banned' }) : done(null, user))
 * ```
 */
export type VerifyCallback = (err?: unknown, user?: VerifiedUser | false | null, info?: object) => void;

/** What an async verify resolves to: the user, or `false`/`null`/`undefined` to fail the login. */
export type VerifyResult = VerifiedUser | false | null | undefined;

/** `(accessToken, refreshToken, profile, done)`. `refreshToken` is `undefined` if Roblox sent none. */
export type VerifyFunction = (accessToken: string, refreshToken: string | undefined, profile: RobloxProfile, done: VerifyCallback) => void;
/** `(accessToken, refreshToken, params, profile, done)`: `params` is the raw token response. */
export type VerifyFunctionWithParams = (accessToken: string, refreshToken: string | undefined, params: RobloxTokenParams, profile: RobloxProfile, done: VerifyCallback) => void;
/** `async (accessToken, refreshToken, profile) => user`. */
export type AsyncVerifyFunction = (accessToken: string, refreshToken: string | undefined, profile: RobloxProfile) => Promise<VerifyResult>;
/** `async (accessToken, refreshToken, params, profile) => user`. */
export type AsyncVerifyFunctionWithParams = (accessToken: string, refreshToken: string | undefined, params: RobloxTokenParams, profile: RobloxProfile) => Promise<VerifyResult>;

/** `(req, accessToken, refreshToken, profile, done)` (with `passReqToCallback: true`). */
export type VerifyFunctionWithRequest = (req: Request, accessToken: string, refreshToken: string | undefined, profile: RobloxProfile, done: VerifyCallback) => void;
/** `(req, accessToken, refreshToken, params, profile, done)` (with `passReqToCallback: true`). */
export type VerifyFunctionWithRequestAndParams = (req: Request, accessToken: string, refreshToken: string | undefined, params: RobloxTokenParams, profile: RobloxProfile, done: VerifyCallback) => void;
/** `async (req, accessToken, refreshToken, profile) => user` (with `passReqToCallback: true`). */
export type AsyncVerifyFunctionWithRequest = (req: Request, accessToken: string, refreshToken: string | undefined, profile: RobloxProfile) => Promise<VerifyResult>;
/** `async (req, accessToken, refreshToken, params, profile) => user` (with `passReqToCallback: true`). */
export type AsyncVerifyFunctionWithRequestAndParams = (req: Request, accessToken: string, refreshToken: string | undefined, params: RobloxTokenParams, profile: RobloxProfile) => Promise<VerifyResult>;

/**
 * Any verify form without `req`; see `invokeVerify` for how the form is told apart.
 *
 * @example
 * ```ts
 * const verify: RobloxVerify = async (accessToken, refreshToken, profile) => users.upsert(profile.id);
 * ```
 */
export type RobloxVerify = VerifyFunction | VerifyFunctionWithParams | AsyncVerifyFunction | AsyncVerifyFunctionWithParams;
/**
 * Any verify form with `req` first (`passReqToCallback: true`).
 *
 * @example
 * ```ts
 * const verify: RobloxVerifyWithRequest = async (req, accessToken, refreshToken, profile) => users.link(req.user, profile.id);
 * ```
 */
export type RobloxVerifyWithRequest =
  | VerifyFunctionWithRequest | VerifyFunctionWithRequestAndParams | AsyncVerifyFunctionWithRequest | AsyncVerifyFunctionWithRequestAndParams;

/** What one login hands to the verify callback. */
export interface VerifyInput {
  req: Request;
  accessToken: string;
  refreshToken: string | undefined;
  params: RobloxTokenParams;
  profile: RobloxProfile;
}

/** The verify callback's decision, whichever form it used. */
export type VerifyOutcome =
  | { kind: 'success'; user: VerifiedUser; info: object | undefined }
  | { kind: 'fail'; info: object | undefined }
  | { kind: 'error'; error: unknown };

const CALLBACK_NAMES = new Set(['done', 'cb', 'callback', 'next', 'verified']);

/**
 * Which arguments come before `profile` in the app's verify callback: `'profile'` for
 * `([req,] accessToken, refreshToken, profile, done)`, `'params'` for
 * `([req,] accessToken, refreshToken, params, profile, done)`. Named with the strategy's `verifyForm` option, the form
 * is taken as written and `done` is always passed last (an async function may return the user or call `done`);
 * otherwise it is read from the function's arity.
 *
 * @example
 * ```ts
 * new RobloxStrategy({ ...options, verifyForm: 'params' }, async (accessToken, refreshToken, params, profile) => findUser(profile.id));
 * ```
 */
export type VerifyForm = 'profile' | 'params';

/** How one verify function is called: whether `params` is passed, and whether the function answers through `done`. */
interface VerifyShape {
  withParams: boolean;
  /** A function that declares `done` answers through it; a promise it returns only counts when it rejects. */
  answersThroughDone: boolean;
}

const REST_ONLY = /^async\s*(?:function\b[^(]*)?\(\s*\.\.\.\s*[\w$]+\s*\)/;

/**
 * Whether `fn.length` counts `done`. It does for plain functions (passport-oauth2's rule). An async function's arity
 * leaves `done` out, except when its `length` was set by hand on a rest-parameter function, as @nestjs/passport's
 * `PassportStrategy(…, callbackArity)` does: that length follows passport-oauth2's rule.
 */
function arityCountsDone(fn: Function): boolean {
  if (!isAsyncFunction(fn)) return true;
  return fn.length > 0 && REST_ONLY.test(Function.prototype.toString.call(fn));
}

function verifyShape(fn: Function, passReq: boolean, form: VerifyForm | undefined): VerifyShape {
  const base = passReq ? 1 : 0;
  if (form !== undefined) {
    // Named form: every declared parameter counts, so `done` is declared when the arity reaches it.
    const withParams = form === 'params';
    return { withParams, answersThroughDone: fn.length >= base + (withParams ? 5 : 4) };
  }
  const countsDone = arityCountsDone(fn);
  return { withParams: fn.length >= base + (countsDone ? 5 : 4), answersThroughDone: countsDone && fn.length >= base + 4 };
}

/**
 * Refuses an `async` verify function that declares passport's `done` where it will not receive it, such as
 * `async (accessToken, refreshToken, profile, done)`: its arity reads as the params form, so `profile` would
 * get the token response and `done` the profile. A diagnostic read from the parameter names: functions whose
 * names say nothing (minified, destructured) pass unchecked and are called by arity as documented.
 *
 * @example
 * ```ts
 * checkVerifyForm(async (accessToken, refreshToken, profile, done) => done(null, profile), false); // throws
 * ```
 */
export function checkVerifyForm(fn: Function, passReq: boolean): void {
  if (!isAsyncFunction(fn) || arityCountsDone(fn)) return;
  const declared = /^async\s*(?:function\b[^(]*)?\(([^)]*)\)/.exec(Function.prototype.toString.call(fn))?.[1];
  const names = declared?.split(',').map((p) => p.trim()).filter((p) => p !== '') ?? [];
  const last = names.at(-1);
  if (last === undefined || !CALLBACK_NAMES.has(last) || names.length !== fn.length) return;
  const base = passReq ? 1 : 0;
  const doneAt = fn.length >= base + 4 ? base + 4 : base + 3;
  if (names.length - 1 === doneAt) return;
  const req = passReq ? 'req, ' : '';
  throw new RobloxConfigurationError(
    `RobloxStrategy's verify callback is an async function declaring "${last}" where it is not passed: an async verify ` +
      `is called by arity as (${req}accessToken, refreshToken, profile) or (${req}accessToken, refreshToken, params, profile) ` +
      `and returns the user. Drop "${last}" and return the user (or false), or use a plain function that calls ${last}.`,
  );
}

function isAsyncFunction(fn: Function): boolean {
  return fn.constructor?.name === 'AsyncFunction';
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Calls the app's verify function in the form its arity declares, and settles once with its decision.
 *
 * With `form` (the strategy's `verifyForm` option) the form is taken as named. Otherwise forms are told apart by
 * `fn.length`: without `req`, 4 arguments is `(accessToken, refreshToken, profile,
 * done)` and 5 adds `params` before `profile`; with `passReqToCallback`, `req` comes first (5 and 6). For an
 * `async function`, `done` is not counted (unless its `length` was set by hand, as @nestjs/passport's
 * `callbackArity` does): 3 (4 with `req`) is the profile form, 4 (5) the params form, and
 * the resolved value is the user (`false`/`null`/`undefined` fail the login; a rejection is an error).
 * A plain function with fewer arguments that returns a promise is awaited the same way, and one that returns
 * anything else but `undefined` is taken at its word (it may still call `done`, passed last, when it returns
 * nothing); a plain function that declares `done` must call it (a promise it returns only counts when it
 * rejects).
 *
 * @example
 * ```ts
 * const outcome = await invokeVerify(verify, false, { req, accessToken, refreshToken, params, profile });
 * if (outcome.kind === 'success') strategy.success(outcome.user, outcome.info);
 * ```
 */
export function invokeVerify(fn: Function, passReq: boolean, input: VerifyInput, form?: VerifyForm): Promise<VerifyOutcome> {
  return new Promise<VerifyOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: VerifyOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const fromResult = (user: unknown, info?: object): VerifyOutcome =>
      user ? { kind: 'success', user: user as VerifiedUser, info } : { kind: 'fail', info };
    const done: VerifyCallback = (err, user, info) => {
      if (err) settle({ kind: 'error', error: err });
      else settle(fromResult(user, info));
    };

    const isAsync = isAsyncFunction(fn);
    const { withParams, answersThroughDone } = verifyShape(fn, passReq, form);
    const args: unknown[] = passReq ? [input.req] : [];
    args.push(input.accessToken, input.refreshToken);
    if (withParams) args.push(input.params);
    args.push(input.profile, done);

    const rejected = (error: unknown) => settle({ kind: 'error', error: error ?? new Error('The verify callback rejected') });
    try {
      const returned: unknown = fn(...args);
      if (isAsync || isThenable(returned)) {
        Promise.resolve(returned).then((user) => {
          if (!answersThroughDone) settle(fromResult(user));
        }, rejected);
      } else if (!answersThroughDone && returned !== undefined) {
        // A plain function without `done` that returns its decision (a user, or false/null) synchronously.
        settle(fromResult(returned));
      }
    } catch (error) {
      settle({ kind: 'error', error });
    }
  });
}
