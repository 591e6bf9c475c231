import { RobloxIdTokenError, RobloxOAuthError, RobloxResponseError, RobloxTimeoutError } from '../../src';
import { authorizationFailure, classifyCallbackError, sanitizeErrorCode, stateFailure } from '../../src/login/failures';

describe('failure classification', () => {
  it('keeps only well-formed OAuth error codes', () => {
    expect(sanitizeErrorCode('invalid_scope')).toBe('invalid_scope');
    expect(sanitizeErrorCode('<script>')).toBe('invalid_response');
    expect(sanitizeErrorCode('a'.repeat(65))).toBe('invalid_response');
    expect(sanitizeErrorCode(['access_denied'])).toBe('invalid_response');
  });

  it('words denied consent and other provider errors without provider text', () => {
    expect(authorizationFailure('access_denied')).toEqual({
      code: 'ERR_ROBLOX_ACCESS_DENIED', error: 'access_denied', message: 'You denied access to your Roblox account, so you were not signed in.',
    });
    expect(authorizationFailure('temporarily_unavailable')).toEqual({
      code: 'ERR_ROBLOX_AUTHORIZATION', error: 'temporarily_unavailable', message: 'Roblox could not sign you in (temporarily_unavailable). Please try again.',
    });
    expect(stateFailure('expired').code).toBe('ERR_ROBLOX_STATE');
  });

  it('fails invalid_grant and ID-token errors, and errors everything else', () => {
    expect(classifyCallbackError(new RobloxOAuthError('invalid_grant', 'code <b>used</b>', 400))).toEqual({
      fail: { code: 'ERR_ROBLOX_OAUTH', error: 'invalid_grant', message: expect.not.stringContaining('<b>') },
    });
    expect(classifyCallbackError(new RobloxIdTokenError('ID token rejected: "exp" claim timestamp check failed'))).toEqual({
      fail: { code: 'ERR_ROBLOX_ID_TOKEN', message: 'The ID token from Roblox could not be verified ("exp" claim timestamp check failed).' },
    });
    for (const err of [new RobloxOAuthError('invalid_client', undefined, 401), new RobloxResponseError('x', 502), new RobloxTimeoutError('t'), new TypeError('bug')]) {
      expect(classifyCallbackError(err)).toEqual({ error: err });
    }
    expect(classifyCallbackError('thrown string')).toEqual({ error: expect.any(Error) });
  });
});
