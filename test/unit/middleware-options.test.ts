import { authorizedResources, refreshTokens, revokeTokens, RobloxClient, RobloxConfigurationError } from '../../src';

const client = new RobloxClient({ clientID: 'app' });

describe('middleware factories validate their options once', () => {
  const factories = [
    ['refreshTokens', refreshTokens],
    ['revokeTokens', revokeTokens],
    ['authorizedResources', authorizedResources],
  ] as const;

  it.each(factories)('%s returns a named middleware function', (name, factory) => {
    const mw = (factory as (o: unknown) => (...a: unknown[]) => void)({ client });
    expect(typeof mw).toBe('function');
    expect(mw.name).toBe(`roblox${name[0]!.toUpperCase()}${name.slice(1)}`);
    expect(mw.length).toBe(3);
  });

  it.each(factories)('%s requires a client', (name, factory) => {
    const make = factory as (o: unknown) => unknown;
    for (const bad of [undefined, null, {}, { client: {} }, { client: 'x' }, { client: { refresh: 1, revoke: 1, resources: 1 } }]) {
      expect(() => make(bad)).toThrow(RobloxConfigurationError);
    }
    expect(() => make({})).toThrow(`${name} requires a client option (a RobloxClient)`);
  });

  it.each(factories)('%s checks the store option', (name, factory) => {
    const make = factory as (o: unknown) => unknown;
    expect(() => make({ client, store: {} })).toThrow(`${name} store option must implement get, set and delete (a TokenStore)`);
    expect(() => make({ client, store: null })).toThrow(RobloxConfigurationError);
    expect(() => make({ client, store: { get() {}, set() {}, delete() {} } })).not.toThrow();
  });

  it('names the bad option', () => {
    const make = refreshTokens as (o: unknown) => unknown;
    expect(() => make({ client, skewSeconds: -1 })).toThrow('refreshTokens skewSeconds option must be a number ≥ 0');
    expect(() => make({ client, skewSeconds: '60' })).toThrow('skewSeconds');
    expect(() => make({ client, skewSeconds: Number.NaN })).toThrow('skewSeconds');
    expect(() => make({ client, redirectTo: '' })).toThrow('refreshTokens redirectTo option must be a non-empty string');
    expect(() => make({ client, onSignInRequired: 'x' })).toThrow('refreshTokens onSignInRequired option must be a function');
    expect(() => make({ client, subject: 'sub' })).toThrow('refreshTokens subject option must be a function');
    expect(() => (revokeTokens as (o: unknown) => unknown)({ client, onError: true })).toThrow('revokeTokens onError option must be a function');
    expect(() => (revokeTokens as (o: unknown) => unknown)({ client, destroySession: 'yes' })).toThrow('revokeTokens destroySession option must be a boolean');
    expect(() => (authorizedResources as (o: unknown) => unknown)({ client, redirectTo: 5 })).toThrow('authorizedResources redirectTo option');
  });

  it('accepts a duck-typed client (another copy of the package)', () => {
    const duck = { refresh: async () => undefined, revoke: async () => undefined, resources: async () => undefined };
    expect(() => (refreshTokens as (o: unknown) => unknown)({ client: duck })).not.toThrow();
  });
});
