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

/** The login transaction (state, nonce, PKCE verifier) is missing, expired or already used. */
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
