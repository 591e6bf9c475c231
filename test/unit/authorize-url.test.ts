import { AuthorizationURLBuilder } from '../../src/login/authorize-url';

describe('AuthorizationURLBuilder', () => {
  const login = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeChallenge: 'c'.repeat(43) };
  const urls = new AuthorizationURLBuilder('client id', 'https://app.example/cb?x=1');

  it('encodes the fixed parameters and appends the per-login ones', () => {
    const url = new URL(urls.build('https://apis.roblox.com/oauth/v1/authorize', ['openid', 'profile'], 'consent', login));
    expect(url.origin + url.pathname).toBe('https://apis.roblox.com/oauth/v1/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'client id', redirect_uri: 'https://app.example/cb?x=1', scope: 'openid profile', response_type: 'code',
      code_challenge_method: 'S256', prompt: 'consent', state: login.state, nonce: login.nonce, code_challenge: login.codeChallenge,
    });
  });

  it('keeps the endpoint\'s own query, drops a fragment, and lets no per-login value be preset', () => {
    const url = new URL(urls.build('https://idp.example/authorize?tenant=a&state=evil#frag', ['openid'], undefined, login));
    expect(url.hash).toBe('');
    expect(url.searchParams.get('tenant')).toBe('a');
    expect(url.searchParams.getAll('state')).toEqual([login.state]);
    expect(url.searchParams.has('prompt')).toBe(false);
  });

  it('gives each scope and prompt its own URL', () => {
    const a = new URL(urls.build('https://idp.example/a', ['openid'], undefined, login));
    const b = new URL(urls.build('https://idp.example/a', ['openid', 'group:read'], 'login', login));
    expect(a.searchParams.get('scope')).toBe('openid');
    expect(b.searchParams.get('scope')).toBe('openid group:read');
    expect(b.searchParams.get('prompt')).toBe('login');
  });
});
