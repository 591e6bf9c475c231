// src/provider/id-token.ts on its own: createIdTokenVerifier against a JWKS served by a throwaway node:http server
// on 127.0.0.1, with tokens signed here by jose. What the emulator cannot be made to do: sign with every accepted
// algorithm, publish odd key sets, rotate key material under one kid, fail a refetch. Each test was written against
// a surviving mutant of `npm run test:mutation -- id-token` (docs/testing.md) and seen to fail with it applied.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, generateSecret, SignJWT, type JWK, type JWTPayload } from 'jose';
import { RobloxConfigurationError, RobloxIdTokenError, RobloxResponseError } from '../../src/errors';
import { ACCEPTED_ID_TOKEN_ALGS, createIdTokenVerifier, type IdTokenVerifierOptions } from '../../src/provider/id-token';

const ISSUER = 'https://apis.roblox.example/oauth/';
const CLIENT = 'client-1234';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
type Key = { alg: string; privateKey: PrivateKey; jwk: JWK };

async function makeKey(alg: string, kid: string | undefined = `kid-${alg}`): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), alg, use: 'sig' };
  if (kid !== undefined) jwk.kid = kid;
  return { alg, privateKey, jwk };
}

/** The JWKS endpoint: answers `keys` (or `status`), counts fetches. */
const jwksServer = {
  body: { keys: [] as unknown[] } as unknown,
  status: 200,
  fetches: 0,
  url: '',
  server: undefined as http.Server | undefined,
};

beforeAll(async () => {
  jwksServer.server = http.createServer((_req, res) => {
    jwksServer.fetches++;
    res.writeHead(jwksServer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwksServer.body));
  });
  await new Promise<void>((resolve) => jwksServer.server!.listen(0, '127.0.0.1', resolve));
  jwksServer.url = `http://127.0.0.1:${(jwksServer.server!.address() as AddressInfo).port}/certs`;
});
afterAll(async () => {
  jwksServer.server!.closeAllConnections();
  await new Promise<void>((resolve) => jwksServer.server!.close(() => resolve()));
});
beforeEach(() => {
  jwksServer.status = 200;
  jwksServer.fetches = 0;
});
afterEach(() => jest.useRealTimers());

const publish = (...keys: unknown[]) => {
  jwksServer.body = { keys };
};

const verifier = (options: Partial<IdTokenVerifierOptions> = {}) =>
  createIdTokenVerifier({ issuer: ISSUER, clientID: CLIENT, jwksURL: jwksServer.url, algorithms: ['ES256'], clockTolerance: 30, timeout: 2000, ...options });

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: JWTPayload = {}): JWTPayload => ({ iss: ISSUER, aud: CLIENT, sub: '1516563360', iat: now(), exp: now() + 600, ...extra });

function sign(key: Key, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, ...(key.jwk.kid === undefined ? {} : { kid: key.jwk.kid }) }).sign(key.privateKey);
}

const b64url = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS signed with webcrypto directly: for headers jose refuses to produce (an unknown `crit`). */
async function rawES256(key: Key, header: unknown, payload: unknown): Promise<string> {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const signature = await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey as webcrypto.CryptoKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

const rejection = async (attempt: Promise<unknown>): Promise<Error> => {
  const err = await attempt.then(() => undefined, (e: unknown) => e as Error);
  if (!err) throw new Error('the token was accepted');
  return err;
};

describe('algorithms', () => {
  const asymmetric = [...ACCEPTED_ID_TOKEN_ALGS];

  it.each(asymmetric)('accepts a token signed with %s when the provider lists it', async (alg) => {
    const key = await makeKey(alg);
    publish(key.jwk);
    await expect(verifier({ algorithms: [alg] })(await sign(key, claims()), {})).resolves.toMatchObject({ sub: '1516563360' });
  });

  it('refuses HMAC even when the provider lists it and publishes a symmetric key', async () => {
    const secret = await generateSecret('HS256', { extractable: true });
    const ec = await makeKey('ES256');
    publish(ec.jwk, { ...(await exportJWK(secret)), kid: 'hmac', alg: 'HS256' });
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'hmac' }).sign(secret);
    const err = await rejection(verifier({ algorithms: ['HS256', 'ES256'] })(token, {}));
    expect(err).toBeInstanceOf(RobloxIdTokenError);
    expect(err.message).toBe('ID token rejected: signing algorithm not allowed');
  });

  it('refuses to build a verifier when the provider offers nothing but none and HMAC', () => {
    expect(() => verifier({ algorithms: ['none', 'HS256', 'HS512'] })).toThrow(RobloxConfigurationError);
    expect(() => verifier({ algorithms: ['none', 'HS256'] })).toThrow('The provider offers no acceptable ID token signing algorithm (none and HMAC are refused)');
  });
});

describe('the key set', () => {
  it('needs one signing key: keys for encryption, private keys and keys of no known type are not', async () => {
    const key = await makeKey('ES256');
    const privateJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const unusable = [
      { ...key.jwk, use: 'enc' },
      { ...privateJwk, kid: 'private' },
      { ...key.jwk, kty: 'oct', kid: 'odd' },
      { ...key.jwk, kty: 7, kid: 'seven' },
    ];
    for (const entry of unusable) {
      publish(entry);
      const err = await rejection(verifier()(await sign(key, claims()), {}));
      expect([JSON.stringify(entry).slice(0, 40), err]).toEqual([JSON.stringify(entry).slice(0, 40), expect.any(RobloxResponseError)]);
      expect(err.message).toBe('The provider JWKS has no usable signing key');
    }
  });

  it('an entry that is not an object makes the set malformed: a provider fault, not a refused token', async () => {
    const key = await makeKey('ES256');
    publish(null, key.jwk);
    const err = await rejection(verifier()(await sign(key, claims()), {}));
    expect(err).toBeInstanceOf(RobloxResponseError);
    expect(err.message).toBe('The provider JWKS is malformed');
  });

  it('RSA and OKP keys are signing keys too', async () => {
    for (const alg of ['RS256', 'EdDSA']) {
      const key = await makeKey(alg);
      publish(key.jwk);
      await expect(verifier({ algorithms: [alg] })(await sign(key, claims()), {})).resolves.toMatchObject({ iss: ISSUER });
    }
  });

  it('two keys without kid that both fit a token without kid, neither of which signed it: "several keys"', async () => {
    const signer = await makeKey('ES256', undefined);
    const a = await makeKey('ES256', undefined);
    const b = await makeKey('ES256', undefined);
    publish(a.jwk, b.jwk);
    const err = await rejection(verifier()(await sign(signer, claims()), {}));
    expect(err.message).toBe('ID token rejected: several keys in the provider JWKS match the token');
  });
});

describe('the JWKS cache', () => {
  it('refetches a set older than jwksMaxAge: new key material under the same kid verifies', async () => {
    const old = await makeKey('ES256', 'rotating');
    const fresh = await makeKey('ES256', 'rotating');
    publish(old.jwk);
    const verify = verifier({ jwksMaxAge: 150, jwksCooldown: 60_000 });
    await verify(await sign(old, claims()), {});
    publish(fresh.jwk);
    await new Promise((r) => setTimeout(r, 200));
    await expect(verify(await sign(fresh, claims()), {})).resolves.toMatchObject({ sub: '1516563360' });
    expect(jwksServer.fetches).toBe(2);
  });

  it('a refetch for age that fails keeps the keys it had, and tries again only after the cooldown', async () => {
    const key = await makeKey('ES256');
    publish(key.jwk);
    const verify = verifier({ jwksMaxAge: 100, jwksCooldown: 300 });
    await verify(await sign(key, claims()), {});
    await new Promise((r) => setTimeout(r, 150));
    jwksServer.status = 500;
    await expect(verify(await sign(key, claims()), {})).resolves.toMatchObject({ sub: '1516563360' });
    expect(jwksServer.fetches).toBe(2);
    await verify(await sign(key, claims()), {}); // within the cooldown: no new fetch
    expect(jwksServer.fetches).toBe(2);
    await new Promise((r) => setTimeout(r, 350));
    jwksServer.status = 200;
    await verify(await sign(key, claims()), {});
    expect(jwksServer.fetches).toBe(3);
  });

  it('an unknown kid refetches at most once per jwksCooldown, and again once it has passed', async () => {
    const known = await makeKey('ES256', 'known');
    publish(known.jwk);
    const verify = verifier({ jwksCooldown: 200 });
    await verify(await sign(known, claims()), {});
    const stranger = await makeKey('ES256', 'unknown');
    expect((await rejection(verify(await sign(stranger, claims()), {}))).message).toBe('ID token rejected: no key in the provider JWKS matches the token');
    expect(jwksServer.fetches).toBe(2);
    await rejection(verify(await sign(stranger, claims()), {}));
    expect(jwksServer.fetches).toBe(2);
    await new Promise((r) => setTimeout(r, 250));
    publish(known.jwk, stranger.jwk);
    await expect(verify(await sign(stranger, claims()), {})).resolves.toMatchObject({ sub: '1516563360' });
    expect(jwksServer.fetches).toBe(3);
  });
});

describe('claims', () => {
  let key: Key;
  beforeAll(async () => {
    key = await makeKey('ES256');
  });
  beforeEach(() => publish(key.jwk));

  const refused = async (payload: JWTPayload, expect_: { nonce?: string; sub?: string } = {}) =>
    (await rejection(verifier()(await sign(key, payload), expect_))).message;

  it('requires exp and iat, naming the claim', async () => {
    const { exp: _e, ...noExp } = claims();
    const { iat: _i, ...noIat } = claims();
    expect(await refused(noExp)).toBe('ID token rejected: "exp" claim is missing');
    expect(await refused(noIat)).toBe('ID token rejected: "iat" claim is missing');
  });

  it('tells a claim that is present but wrong from a missing one', async () => {
    expect(await refused(claims({ iss: `${ISSUER}evil` }))).toBe('ID token rejected: "iss" claim is invalid');
    expect(await refused(claims({ nbf: now() + 600 }))).toBe('ID token rejected: "nbf" claim is invalid');
  });

  it('requires sub to be a non-empty string', async () => {
    expect(await refused(claims({ sub: 1516563360 as unknown as string }))).toBe('ID token rejected: "sub" claim is missing');
    expect(await refused(claims({ sub: '' }))).toBe('ID token rejected: "sub" claim is missing');
  });

  it('accepts iat up to clockTolerance seconds ahead, not one second more', async () => {
    const t = 1_900_000_000_000;
    jest.useFakeTimers({ now: t, doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
    const s = t / 1000;
    await expect(verifier()(await sign(key, claims({ iat: s + 30, exp: s + 600 })), {})).resolves.toMatchObject({ iat: s + 30 });
    expect(await refused(claims({ iat: s + 31, exp: s + 600 }))).toBe('ID token rejected: "iat" claim is in the future');
  });

  it('azp: required to equal the client with several audiences (one in an array is not several), accepted when it does', async () => {
    const verify = verifier();
    await expect(verify(await sign(key, claims({ aud: [CLIENT, 'other'], azp: CLIENT })), {})).resolves.toMatchObject({ azp: CLIENT });
    await expect(verify(await sign(key, claims({ azp: CLIENT })), {})).resolves.toMatchObject({ azp: CLIENT });
    expect(await refused(claims({ aud: [CLIENT, 'other'] }))).toBe('ID token rejected: "azp" claim does not equal the client ID');
    // One audience written as an array is not several (OIDC Core §3.1.3.7): no azp needed.
    await expect(verify(await sign(key, claims({ aud: [CLIENT] })), {})).resolves.toMatchObject({ aud: [CLIENT] });
    expect(await refused(claims({ azp: 'other' }))).toBe('ID token rejected: "azp" claim does not equal the client ID');
  });

  it('a nonce is compared only when one is expected (a refreshed ID token may repeat the login\'s)', async () => {
    await expect(verifier()(await sign(key, claims({ nonce: 'from-the-login' })), {})).resolves.toMatchObject({ nonce: 'from-the-login' });
    expect(await refused(claims({ nonce: 'from-the-login' }), { nonce: 'another' })).toBe('ID token rejected: "nonce" claim does not match the login');
  });
});

describe('malformed tokens, in our words', () => {
  let key: Key;
  beforeAll(async () => {
    key = await makeKey('ES256');
  });
  beforeEach(() => publish(key.jwk));

  it('a payload that is not a claims set', async () => {
    const token = await rawES256(key, { alg: 'ES256', kid: key.jwk.kid }, [1, 2]);
    expect((await rejection(verifier()(token, {}))).message).toBe('ID token rejected: the payload is not a valid JWT claims set');
  });

  it('a critical header parameter we do not know (its name is not repeated)', async () => {
    const token = await rawES256(key, { alg: 'ES256', kid: key.jwk.kid, crit: ['x-evil\r\nname'], 'x-evil\r\nname': 1 }, claims());
    const err = await rejection(verifier()(token, {}));
    expect(err.message).toBe('ID token rejected: the token uses an unsupported algorithm or header');
  });

  it('something that is not a compact JWS', async () => {
    expect((await rejection(verifier()('not.a-token', {}))).message).toBe('ID token rejected: the token is not a valid signed JWT');
  });
});
