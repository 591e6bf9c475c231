import { isTokenSet, tokenSetFromResponse } from '../../src/tokens/token-set';
import { RobloxResponseError } from '../../src/errors';

describe('tokenSetFromResponse', () => {
  const body = { access_token: 'at', refresh_token: 'rt', id_token: 'it', token_type: 'Bearer', expires_in: 899, scope: 'openid profile' };

  it('maps Roblox token responses', () => {
    expect(tokenSetFromResponse(body, [], 1_000)).toEqual({
      accessToken: 'at', refreshToken: 'rt', idToken: 'it', tokenType: 'Bearer', scope: ['openid', 'profile'], expiresAt: 1_000 + 899_000,
    });
  });

  it('accepts expires_in as digits and up to one year', () => {
    expect(tokenSetFromResponse({ ...body, expires_in: '900' }, [], 0).expiresAt).toBe(900_000);
    expect(tokenSetFromResponse({ ...body, expires_in: 31_536_000 }, [], 0).expiresAt).toBe(31_536_000_000);
  });

  it('falls back to the requested scope', () => {
    expect(tokenSetFromResponse({ ...body, scope: undefined }, ['openid']).scope).toEqual(['openid']);
  });

  it.each([
    ['a token_type other than Bearer', { ...body, token_type: 'mac' }],
    ['no access_token', { ...body, access_token: undefined }],
    ['no valid expires_in', { ...body, expires_in: 'soon' }],
    ['a refresh_token that is not a token', { ...body, refresh_token: 5 }],
    ['a body that is not a JSON object', ['x']],
    // expires_in: a positive integer within a bound (1e308 made the stored TokenSet unreadable)
    ['no valid expires_in', { ...body, expires_in: 1e308 }],
    ['no valid expires_in', { ...body, expires_in: 31_536_001 }],
    ['no valid expires_in', { ...body, expires_in: 0 }],
    ['no valid expires_in', { ...body, expires_in: -5 }],
    ['no valid expires_in', { ...body, expires_in: 1.5 }],
    ['no valid expires_in', { ...body, expires_in: '1e3' }],
    // tokens must be able to go into an HTTP header and a form
    ['an access_token that is not a token', { ...body, access_token: 'at\r\nX-Injected: 1' }],
    ['an access_token that is not a token', { ...body, access_token: 'a'.repeat(16_385) }],
    ['an access_token that is not a token', { ...body, access_token: 'tök' }],
    ['a refresh_token that is not a token', { ...body, refresh_token: 'rt\u0000' }],
    ['an id_token that is not a token', { ...body, id_token: 'x\ny' }],
    ['a scope that is not a string', { ...body, scope: ['openid'] }],
  ])('rejects %s', (why, bad) => {
    expect(() => tokenSetFromResponse(bad)).toThrow(RobloxResponseError);
    expect(() => tokenSetFromResponse(bad)).toThrow(why);
  });
});

describe('isTokenSet', () => {
  const good = { accessToken: 'at', tokenType: 'Bearer', scope: ['openid'], expiresAt: 5 };
  it('accepts a stored TokenSet', () => expect(isTokenSet(good)).toBe(true));
  it.each([
    { ...good, expiresAt: NaN },
    { ...good, refreshToken: 42 },
    { ...good, idToken: {} },
    { ...good, scope: [1] },
    { ...good, accessToken: '' },
    { ...good, accessToken: 'at\nX: 1' },
    { ...good, refreshToken: 'rt\r' },
    null,
    'string',
  ])('rejects corrupt values (%p)', (bad) => expect(isTokenSet(bad)).toBe(false));
});
