/** The per-login values of an authorization request: base64url strings, which need no escaping. */
export interface LoginParams {
  state: string;
  nonce: string;
  codeChallenge: string;
}

const PER_LOGIN = ['state', 'nonce', 'code_challenge'];

/**
 * Builds authorization request URLs. The fixed part (client, redirect URI, scope, prompt, S256) is encoded once
 * per endpoint, scope and prompt; each login only appends its state, nonce and challenge.
 *
 * @example
 * ```ts
 * const urls = new AuthorizationURLBuilder('client-id', 'https://app.example/auth/roblox/callback');
 * urls.build('https://apis.roblox.com/oauth/v1/authorize', ['openid', 'profile'], undefined, { state, nonce, codeChallenge });
 * ```
 */
export class AuthorizationURLBuilder {
  private readonly prefixes = new Map<string, string>();

  constructor(
    private readonly clientID: string,
    private readonly redirectUri: string,
  ) {}

  build(authorizationURL: string, scope: string[], prompt: string | undefined, login: LoginParams): string {
    const key = `${authorizationURL}\n${scope.join(' ')}\n${prompt ?? ''}`;
    let prefix = this.prefixes.get(key);
    if (prefix === undefined) {
      prefix = this.prefix(authorizationURL, scope, prompt);
      // Per-request scopes could vary without end: keep the cache small.
      if (this.prefixes.size >= 32) this.prefixes.clear();
      this.prefixes.set(key, prefix);
    }
    return `${prefix}state=${login.state}&nonce=${login.nonce}&code_challenge=${login.codeChallenge}`;
  }

  private prefix(authorizationURL: string, scope: string[], prompt: string | undefined): string {
    const url = new URL(authorizationURL);
    url.hash = '';
    const search = new URLSearchParams(url.search);
    for (const name of PER_LOGIN) search.delete(name);
    search.set('client_id', this.clientID);
    search.set('redirect_uri', this.redirectUri);
    search.set('scope', scope.join(' '));
    search.set('response_type', 'code');
    search.set('code_challenge_method', 'S256');
    if (prompt !== undefined) search.set('prompt', prompt);
    url.search = search.toString();
    return `${url.toString()}&`;
  }
}
