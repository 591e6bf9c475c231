import { isTokenSet, tokenSetFromResponse } from '../../src/tokens/token-set';
import { RobloxResponseError } from '../../src/errors';

describe('tokenSetFromResponse', () => {
  const body = { access_token: 'at', refresh_token: 'rt', id_token: 'it', token_type: 'Bearer', expires_in: 899, scope: 'openid profile' };

  it('maps Roblox token responses', () => {
    expect(tokenSetFromResponse(body, [], 1_000)).toEqual({
      accessToken: 'at', refreshToken: 'rt', idToken: 'it', tokenType: 'Bearer', scope: ['openid', 'profile'], expiresAt: 1_000 + 899_000,
    });
  });

  it('falls back to the requested scope', () => {
    expect(tokenSetFromResponse({ ...body, scope: undefined }, ['openid']).scope).toEqual(['openid']);
  });

  it.each([
    ['a token_type other than Bearer', { ...body, token_type: 'mac' }],
    ['no access_token', { ...body, access_token: undefined }],
    ['no valid expires_in', { ...body, expires_in: 'soon' }],
    ['a refresh_token that is not a string', { ...body, refresh_token: 5 }],
    ['a body that is not a JSON object', ['x']],
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
    null,
    'string',
  ])('rejects corrupt values (%p)', (bad) => expect(isTokenSet(bad)).toBe(false));
});
