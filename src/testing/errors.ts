import { RobloxError } from '../errors';

/** The step of a test sign-in that went wrong. */
export type SignInStep = 'login' | 'authorize' | 'consent' | 'callback';

/**
 * A test sign-in ({@link signInWithRoblox}) did not complete. `step` names where it stopped and `responseStatus`
 * is the HTTP status answered there (0 when no answer came). The message says what to check; it never contains a
 * code, state, token or secret, and no text of the app's or the emulator's responses.
 *
 * @example
 * ```ts
 * try {
 *   await signInWithRoblox(app, { emulator });
 * } catch (err) {
 *   if (err instanceof SignInWithRobloxError && err.step === 'login') console.log(err.responseStatus);
 *   throw err;
 * }
 * ```
 */
export class SignInWithRobloxError extends RobloxError {
  /** Where the sign-in stopped: the app's login route, the emulator's authorize endpoint or consent page, or the app's callback. */
  readonly step: SignInStep;
  /** The HTTP status answered at that step (0 when the request failed before any answer). */
  readonly responseStatus: number;
  /** The OAuth `error` code the emulator redirected back with (e.g. `access_denied`), when that is what happened. */
  readonly oauthError: string | undefined;

  constructor(step: SignInStep, responseStatus: number, message: string, options?: { cause?: unknown; oauthError?: string }) {
    super('ERR_ROBLOX_TEST_SIGN_IN', `signInWithRoblox: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.step = step;
    this.responseStatus = responseStatus;
    this.oauthError = options?.oauthError;
  }
}
