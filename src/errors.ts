import { oauthErrorCode, providerText } from './provider/provider-text';

/**
 * Error classes with stable `code`s. Messages are written by this library: they never contain a secret, code,
 * verifier or token, nor any text a provider sent.
 *
 * @example
 * ```ts
 * if (err instanceof RobloxError && err.code === 'ERR_ROBLOX_TIMEOUT') retryLater();
 * ```
 */
export class RobloxError extends Error {
  /** A stable machine-readable code, e.g. `ERR_ROBLOX_ID_TOKEN`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An option is missing or invalid. Thrown by constructors and middleware factories. */
export class RobloxConfigurationError extends RobloxError {
  constructor(message: string) {
    super('ERR_ROBLOX_CONFIGURATION', message);
  }
}

/** The provider's discovery document could not be read, or its issuer does not match. */
export class RobloxDiscoveryError extends RobloxError {
  /** The status an app should answer with when this reaches Express's error handler: 502. */
  readonly status = 502;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_DISCOVERY', message, options);
  }
}

/** An ID token failed verification (signature, algorithm, or any claim). */
export class RobloxIdTokenError extends RobloxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_ID_TOKEN', message, options);
  }
}

/**
 * The login transaction (state, nonce, PKCE verifier) is missing, expired or already used.
 *
 * @deprecated Never thrown: a missing, unknown, replayed or expired state is a refused login, a Passport `fail()`
 * whose `RobloxAuthFailure` has `code: 'ERR_ROBLOX_STATE'`. Test `info.code` instead. The class stays
 * exported so that existing imports keep compiling.
 */
export class RobloxStateError extends RobloxError {
  constructor(message: string) {
    super('ERR_ROBLOX_STATE', message);
  }
}

/**
 * The provider answered with an OAuth error (`{ error, error_description }`), e.g. `invalid_grant`
 * when a refresh token was already used or the grant was revoked.
 */
export class RobloxOAuthError extends RobloxError {
  /** The OAuth `error` value, e.g. `invalid_grant` (`invalid_response` when the provider sent something else). */
  readonly error: string;
  /**
   * The provider's `error_description`, if any, as provider text made safe to log: control characters removed,
   * every secret, code, verifier and token of the request redacted, at most 256 characters. Never in `message`.
   */
  readonly errorDescription: string | undefined;
  /** The HTTP status of the provider's response (0 for errors delivered by redirect). */
  readonly providerStatus: number;
  /**
   * The status an app should answer with when this reaches Express's error handler: 401 when the user's grant
   * or token is no longer accepted (`invalid_grant`, `invalid_token`), else 502 (the app's or provider's problem).
   */
  readonly status: number;

  constructor(error: string, errorDescription: string | undefined, providerStatus: number) {
    const code = oauthErrorCode(error);
    super('ERR_ROBLOX_OAUTH', `Roblox answered ${code}${providerStatus ? ` (HTTP ${providerStatus})` : ''}`);
    this.error = code;
    this.errorDescription = providerText(errorDescription);
    this.providerStatus = providerStatus;
    this.status = error === 'invalid_grant' || error === 'invalid_token' ? 401 : 502;
  }
}

/** The provider answered something unexpected: a 5xx, a non-JSON body, a malformed response. */
export class RobloxResponseError extends RobloxError {
  /** The HTTP status of the provider's response. */
  readonly providerStatus: number;
  /** The status an app should answer with when this reaches Express's error handler: 502. */
  readonly status = 502;

  constructor(message: string, providerStatus: number, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_RESPONSE', message, options);
    this.providerStatus = providerStatus;
  }
}

/** A call to the provider did not finish within the configured timeout. */
export class RobloxTimeoutError extends RobloxError {
  /** The status an app should answer with when this reaches Express's error handler: 504. */
  readonly status = 504;

  constructor(message: string) {
    super('ERR_ROBLOX_TIMEOUT', message);
  }
}

/** The provider could not be reached at all (connection refused, DNS failure, reset). */
export class RobloxNetworkError extends RobloxError {
  /** The status an app should answer with when this reaches Express's error handler: 502. */
  readonly status = 502;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_NETWORK', message, options);
  }
}

/** There are no stored tokens for this request, or the grant is gone: the user must sign in again. */
export class RobloxSignInRequiredError extends RobloxError {
  /** The status an app should answer with when this reaches Express's error handler: 401. */
  readonly status = 401;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_SIGN_IN_REQUIRED', message, options);
  }
}

/**
 * The app's `TokenStore` failed to save the tokens of a login. The login was undone (the user is not signed in);
 * the store's own error is the `cause`, kept out of the message since it may name a database or a connection.
 */
export class RobloxTokenStoreError extends RobloxError {
  /** The status an app should answer with when this reaches Express's error handler: 500. */
  readonly status = 500;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_TOKEN_STORE', message, options);
  }
}

/**
 * The shared state that coordinates refreshes (Redis, a session store) could not be read or written. Nothing
 * was sent to Roblox by this request and the stored tokens were kept: the next request tries again.
 */
export class RobloxCoordinationError extends RobloxError {
  /** The status an app should answer with when this reaches Express's error handler: 503. */
  readonly status = 503;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_COORDINATION', message, options);
  }
}

/**
 * What Roblox's `x-ratelimit-*` headers said on an Open Cloud answer. Fields are absent when the header was.
 *
 * @example
 * ```ts
 * if (cloud.rateLimit?.remaining === 0) showSlowDown(cloud.rateLimit.resetAt);
 * ```
 */
export interface RobloxRateLimitInfo {
  /** `x-ratelimit-limit` as sent (it may list several windows, e.g. `10, 10;w=60`). */
  limit?: string;
  /** `x-ratelimit-remaining`: calls left in the window for this user and app. */
  remaining?: number;
  /** `x-ratelimit-reset`: seconds until the quota is full again. */
  resetSeconds?: number;
  /** When the quota is full again, in ms since the epoch (from `resetSeconds`). */
  resetAt?: number;
}

/** What an Open Cloud error keeps of Roblox's answer. Provider text is capped, stripped and redacted. */
export interface RobloxOpenCloudErrorDetails {
  /** The HTTP status Roblox answered (0 when the call was refused before sending). */
  providerStatus: number;
  /** Roblox's error code, e.g. `PERMISSION_DENIED`, if it sent one. */
  providerCode?: string;
  /** Roblox's message, for logs: never part of `message`. */
  providerMessage?: string;
  /** The x-ratelimit-* headers of the answer. */
  rateLimit?: RobloxRateLimitInfo;
  /** The status an app should answer with; default 502. */
  status?: number;
}

/**
 * An Open Cloud call failed in a way no more specific class describes (a 409 `ABORTED`, a 5xx, an unknown
 * error shape). The base class of the Open Cloud errors.
 */
export class RobloxOpenCloudError extends RobloxError {
  /** The HTTP status of Roblox's answer (0 when the call was refused before sending). */
  readonly providerStatus: number;
  /** Roblox's error code (`PERMISSION_DENIED`, `RESOURCE_EXHAUSTED`, …), if any. */
  readonly providerCode: string | undefined;
  /** Roblox's message, capped and redacted: for logs, never shown as ours. */
  readonly providerMessage: string | undefined;
  /** The rate-limit headers of the answer, if any. */
  readonly rateLimit: RobloxRateLimitInfo | undefined;
  /** The status an app should answer with when this reaches Express's error handler. */
  readonly status: number;

  constructor(code: string, message: string, details: RobloxOpenCloudErrorDetails, options?: { cause?: unknown }) {
    super(code, message, options);
    this.providerStatus = details.providerStatus;
    this.providerCode = details.providerCode;
    this.providerMessage = details.providerMessage;
    this.rateLimit = details.rateLimit;
    this.status = details.status ?? 502;
  }
}

/**
 * Why Roblox refused a call with 403: the token lacks a scope the operation needs (`missing_scope`: ask for it
 * at sign-in), the user did not share the experience on the consent page (`resource_not_authorized`: send them
 * through consent again), or anything else (`forbidden`: e.g. another user's private inventory).
 */
export type RobloxPermissionDeniedReason = 'missing_scope' | 'resource_not_authorized' | 'forbidden';

/** 403 `PERMISSION_DENIED` (or refused before sending for a missing scope). Not a sign-in problem: the grant is alive. */
export class RobloxPermissionDeniedError extends RobloxOpenCloudError {
  /** Which of the three 403s this is. */
  readonly reason: RobloxPermissionDeniedReason;
  /** The scopes the operation needs that the token does not carry (empty unless `reason` is `missing_scope`). */
  readonly missingScopes: readonly string[];

  constructor(message: string, reason: RobloxPermissionDeniedReason, missingScopes: readonly string[], details: RobloxOpenCloudErrorDetails) {
    super('ERR_ROBLOX_PERMISSION_DENIED', message, { ...details, status: 403 });
    this.reason = reason;
    this.missingScopes = missingScopes;
  }
}

/** 404 `NOT_FOUND`: no such user, group, universe or operation. */
export class RobloxNotFoundError extends RobloxOpenCloudError {
  constructor(message: string, details: RobloxOpenCloudErrorDetails) {
    super('ERR_ROBLOX_NOT_FOUND', message, { ...details, status: 404 });
  }
}

/** 400 `INVALID_ARGUMENT`, or an argument refused before sending (an ID, a filter, a too-long message). */
export class RobloxInvalidArgumentError extends RobloxOpenCloudError {
  constructor(message: string, details: RobloxOpenCloudErrorDetails) {
    super('ERR_ROBLOX_INVALID_ARGUMENT', message, { ...details, status: 400 });
  }
}

/** 429 `RESOURCE_EXHAUSTED` beyond the wait the client may spend: try again at `retryAt`. */
export class RobloxRateLimitError extends RobloxOpenCloudError {
  /** How long to wait before trying again, in ms. */
  readonly retryAfterMs: number;
  /** When to try again, in ms since the epoch. */
  readonly retryAt: number;

  constructor(message: string, retryAfterMs: number, details: RobloxOpenCloudErrorDetails) {
    super('ERR_ROBLOX_RATE_LIMITED', message, { ...details, status: 429 });
    this.retryAfterMs = retryAfterMs;
    this.retryAt = Date.now() + retryAfterMs;
  }
}
