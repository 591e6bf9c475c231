import { RobloxConfigurationError, RobloxStrategy, Strategy, SessionTokenStore, ROBLOX_ISSUER, RobloxClient, InProcessRefreshCoordinator } from '../../src';
import { resolveStrategyOptions, normalizeScope, normalizePrompt } from '../../src/login/options';
import { isSafeReturnTo } from '../../src/login/return-to';

const base = { clientID: 'client-1', clientSecret: 's3cret', callbackURL: 'https://app.example/auth/roblox/callback' };
const verify = (_a: string, _r: string | undefined, _p: unknown, done: (e: unknown, u?: unknown) => void) => done(null, {});

function construct(options: Record<string, unknown>, ...fn: unknown[]): RobloxStrategy {
  return new (RobloxStrategy as unknown as new (o: unknown, v: unknown) => RobloxStrategy)(options, fn.length ? fn[0] : verify);
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RobloxConfigurationError);
    expect((err as RobloxConfigurationError).code).toBe('ERR_ROBLOX_CONFIGURATION');
    return (err as Error).message;
  }
  throw new Error('expected the constructor to throw');
}

describe('RobloxStrategy options', () => {
  it('is named roblox, exported twice, and builds a RobloxClient with the same configuration', () => {
    const strategy = construct(base);
    expect(strategy.name).toBe('roblox');
    expect(Strategy).toBe(RobloxStrategy);
    expect(strategy.client).toBeInstanceOf(RobloxClient);
    expect(strategy.client.clientID).toBe('client-1');
    expect(strategy.client.provider.issuer).toBe(ROBLOX_ISSUER);
    expect(strategy.client.provider.credentials).toEqual({ clientID: 'client-1', clientSecret: 's3cret', authMethod: undefined });
  });

  it.each([
    [{ ...base, clientID: undefined }, 'RobloxStrategy requires a clientID option'],
    [{ ...base, clientID: '' }, 'RobloxStrategy requires a clientID option'],
    [{ ...base, callbackURL: undefined }, 'RobloxStrategy requires a callbackURL option'],
    [{ ...base, callbackURL: '/auth/roblox/callback' }, 'RobloxStrategy callbackURL option is not a valid URL'],
    [{ ...base, callbackURL: 'http://app.example/cb' }, 'RobloxStrategy callbackURL option must use https'],
    [{ ...base, callbackURL: 'https://app.example/cb#x' }, 'callbackURL option must not contain a fragment'],
    [{ ...base, clientSecret: 42 }, 'clientSecret option must be a string'],
    [{ ...base, authMethod: 'private_key_jwt' }, 'authMethod option must be'],
    [{ ...base, issuer: 'https://apis.roblox.com/oauth' }, 'issuer option must end with a slash'],
    [{ ...base, issuer: 'http://idp.example/oauth/' }, 'issuer option must use https'],
    [{ ...base, issuer: 'http://idp.localhost/oauth/' }, 'issuer option must use https'],
    [{ ...base, timeout: 0 }, 'timeout option must be a number'],
    [{ ...base, timeout: 2 ** 31 }, 'timeout option must be a number ≥ 1 and ≤ 2147483647'],
    [{ ...base, clockTolerance: -1 }, 'clockTolerance option must be a number'],
    [{ ...base, tokenURL: 'http://evil.example/token' }, 'tokenURL option must use https'],
    [{ ...base, scope: 7 }, 'scope option must be a string or an array of strings'],
    [{ ...base, scope: [] }, 'scope option must name at least one scope'],
    [{ ...base, scope: ['openid', 'bad"scope'] }, 'scope option contains an invalid scope'],
    [{ ...base, prompt: 'always' }, 'prompt option must be one or more of'],
    [{ ...base, prompt: 'none login' }, 'prompt option "none" cannot be combined'],
    [{ ...base, skipUserInfo: 'yes' }, 'skipUserInfo option must be a boolean'],
    [{ ...base, skipUserInfo: true, userInfo: true }, 'contradict'],
    [{ ...base, skipUserInfo: true, scope: 'profile' }, 'scope option must include openid'],
    [{ ...base, scope: ['profile', 'group:read'] }, 'scope option must include openid: Roblox identifies the user by the ID token'],
    [{ ...base, tokenStore: { get: () => undefined } }, 'tokenStore option must have get, set and delete methods'],
    [{ ...base, transactionTTL: 1.5 }, 'transactionTTL option must be a positive integer'],
    [{ ...base, maxTransactions: 0 }, 'maxTransactions option must be a positive integer'],
    [{ ...base, sessionKey: '' }, 'sessionKey option must be a non-empty string'],
    [{ ...base, passReqToCallback: 'true' }, 'passReqToCallback option must be a boolean'],
  ])('rejects %p naming the option', (options, expected) => {
    expect(messageOf(() => construct(options))).toContain(expected);
  });

  it('names the trailing slash exactly in the issuer message', () => {
    const message = messageOf(() => construct({ ...base, issuer: 'https://apis.roblox.com/oauth' }));
    expect(message).toContain('"https://apis.roblox.com/oauth/"');
    expect(message).toMatch(/^RobloxStrategy /);
  });

  it('requires a verify callback and an options object', () => {
    expect(messageOf(() => construct(base, undefined))).toBe('RobloxStrategy requires a verify callback');
    expect(messageOf(() => construct(undefined as unknown as Record<string, unknown>))).toBe('RobloxStrategy requires an options object');
  });

  it('never echoes the client secret in a message', () => {
    const message = messageOf(() => construct({ ...base, clientSecret: 'very-secret-value', callbackURL: 'ftp://x' }));
    expect(message).not.toContain('very-secret-value');
  });

  it('applies the defaults', () => {
    const resolved = resolveStrategyOptions({ ...base }, verify);
    expect(resolved).toMatchObject({
      callbackURL: base.callbackURL, scope: ['openid', 'profile'], userInfo: true, prompt: undefined, transactionTTL: 600_000,
      maxTransactions: 10, sessionKey: 'roblox:oidc', returnToQuery: false, passReqToCallback: false,
    });
    expect(resolved.tokenStore).toBeInstanceOf(SessionTokenStore);
    expect(resolved.provider).toEqual({ clientID: 'client-1', clientSecret: 's3cret' });
  });

  it('accepts a public client, loopback http, string scopes, prompts and the userInfo alias', () => {
    const resolved = resolveStrategyOptions({
      clientID: 'public', callbackURL: 'http://127.0.0.1:3000/cb', issuer: 'http://localhost:4000/oauth/',
      scope: 'openid  profile openid', prompt: 'login consent', userInfo: false, authMethod: 'client_secret_post', timeout: 300,
    }, verify);
    expect(resolved.scope).toEqual(['openid', 'profile']);
    expect(resolved.prompt).toBe('login consent');
    expect(resolved.userInfo).toBe(false);
    expect(resolved.provider).toEqual({ clientID: 'public', issuer: 'http://localhost:4000/oauth/', authMethod: 'client_secret_post', timeout: 300 });
    expect(resolveStrategyOptions({ ...base, skipUserInfo: true }, verify).userInfo).toBe(false);
    expect(resolveStrategyOptions({ ...base, skipUserInfo: false, userInfo: true }, verify).userInfo).toBe(true);
  });

  it('keeps the callbackURL byte for byte (the redirect_uri must match exactly)', () => {
    expect(resolveStrategyOptions({ ...base, callbackURL: 'https://APP.example:443/cb' }, verify).callbackURL).toBe('https://APP.example:443/cb');
  });

  it('normalizes scope and prompt values for per-request options', () => {
    expect(normalizeScope(['openid', '', 'profile', 'profile'])).toEqual(['openid', 'profile']);
    expect(() => normalizeScope('', 'scope authenticate option')).toThrow('RobloxStrategy scope authenticate option must name at least one scope');
    expect(normalizePrompt(undefined)).toBeUndefined();
    expect(normalizePrompt(' select_account ')).toBe('select_account');
    expect(() => normalizePrompt(3)).toThrow('prompt option must be a string');
  });
});

describe('isSafeReturnTo', () => {
  it.each(['/', '/x', '/dashboard?tab=1#top', '/a/b.c/..d/...', '/%2F%2Fevil.example'])('accepts %p', (value) => {
    expect(isSafeReturnTo(value)).toBe(true);
  });

  it.each([
    '//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', 'x', '', '/\t/evil.example',
    '/\n/evil.example', '/ok\\..\\', ' /x', '/x y', `/${'a'.repeat(2048)}`, 42, undefined, ['/x'],
    // dot segments, raw and percent-encoded: `/.//evil.example` normalizes to `//evil.example`
    '/.//evil.example', '/./x', '/../x', '/a/b/../c', '/a/.', '/a/..', '/%2e//evil.example', '/%2E%2E/x', '/.%2e/x',
    '/a/%2e?q=1',
  ])('refuses %p', (value) => {
    expect(isSafeReturnTo(value)).toBe(false);
  });

  it('accepts only values that resolve on the same origin (the reason it needs no URL parsing)', () => {
    // Every string of up to 4 characters over an alphabet of the characters that matter, after a leading '/'.
    const alphabet = ['/', '\\', '.', ':', '@', '%', '?', '#', 'a', '\t', ' ', '\u0000', '\u007f'];
    const base = 'http://return-to.invalid';
    let accepted = 0;
    const walk = (value: string, depth: number): void => {
      if (isSafeReturnTo(value)) {
        accepted++;
        expect(new URL(value, base).origin).toBe(base);
      }
      if (depth < 4) for (const c of alphabet) walk(value + c, depth + 1);
    };
    walk('/', 0);
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe('refreshCoordinator option', () => {
  it("reaches the strategy's client (the multi-process test found it dropped), and the client's default is in-process", () => {
    const coordinator = new InProcessRefreshCoordinator();
    const strategy = new RobloxStrategy({ ...base, refreshCoordinator: coordinator }, async () => ({ id: 'x' }));
    expect(strategy.client.refreshCoordinator).toBe(coordinator);
    expect(new RobloxClient({ clientID: 'c' }).refreshCoordinator).toBeInstanceOf(InProcessRefreshCoordinator);
  });

  it('refuses something that is not a coordinator, naming the option', () => {
    expect(() => new RobloxClient({ clientID: 'c', refreshCoordinator: {} as never })).toThrow(/refreshCoordinator option must be a RefreshCoordinator/);
  });
});
