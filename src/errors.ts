/**
 * Error classes with stable `code`s. Messages never contain a secret, code, verifier or token.
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
  /** The OAuth `error` value, e.g. `invalid_grant`. */
  readonly error: string;
  /** The provider's `error_description`, if any. */
  readonly errorDescription: string | undefined;
  /** The HTTP status of the response (0 for errors delivered by redirect). */
  readonly status: number;

  constructor(error: string, errorDescription: string | undefined, status: number) {
    super('ERR_ROBLOX_OAUTH', `Roblox answered ${error}${errorDescription ? `: ${errorDescription}` : ''}`);
    this.error = error;
    this.errorDescription = errorDescription;
    this.status = status;
  }
}

/** The provider answered something unexpected: a 5xx, a non-JSON body, a malformed response. */
export class RobloxResponseError extends RobloxError {
  /** The HTTP status of the response. */
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_RESPONSE', message, options);
    this.status = status;
  }
}

/** A call to the provider did not finish within the configured timeout. */
export class RobloxTimeoutError extends RobloxError {
  constructor(message: string) {
    super('ERR_ROBLOX_TIMEOUT', message);
  }
}

/** The provider could not be reached at all (connection refused, DNS failure, reset). */
export class RobloxNetworkError extends RobloxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_NETWORK', message, options);
  }
}

/** There are no stored tokens for this request, or the grant is gone: the user must sign in again. */
export class RobloxSignInRequiredError extends RobloxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_ROBLOX_SIGN_IN_REQUIRED', message, options);
  }
}
