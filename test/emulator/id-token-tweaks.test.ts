import { generateKeyPairSync } from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { createRobloxEmulator, type IdTokenPatch, type RobloxEmulator } from '../../src/emulator';
import { CLIENT_ID, CLIENT_SECRET, flow } from './helpers';

let emu: RobloxEmulator;
let jwks: JWTVerifyGetKey;
beforeAll(async () => {
  emu = await createRobloxEmulator({ autoApprove: true });
  jwks = createLocalJWKSet(emu.jwks());
});
afterAll(() => emu.close());
afterEach(() => emu.reset());

/** What a careful relying party checks. */
const verify = (token: string) => jwtVerify(token, jwks, { issuer: emu.issuer, audience: CLIENT_ID, algorithms: ['ES256'] });
const now = () => Math.floor(Date.now() / 1000);

test('an untweaked token verifies (the baseline for every hostile case below)', async () => {
  const token = await emu.issueIdToken({ nonce: 'n' });
  const { payload } = await verify(token);
  expect(payload).toMatchObject({ sub: emu.users[0]?.sub, nonce: 'n', aud: CLIENT_ID, iss: emu.issuer });
});

test('nextIdToken changes only the next ID token of the token endpoint', async () => {
  emu.nextIdToken({ claims: { iss: 'https://apis.roblox.com/oauth/' } });
  const bent = await flow(emu);
  await expect(verify(bent.id_token)).rejects.toThrow(errors.JWTClaimValidationFailed);
  expect(decodeJwt(bent.id_token).iss).toBe('https://apis.roblox.com/oauth/');
  const normal = await flow(emu);
  await expect(verify(normal.id_token)).resolves.toBeDefined();
});

test.each<[string, () => IdTokenPatch, string]>([
  ['wrong iss', () => ({ claims: { iss: 'http://127.0.0.1:1/oauth/' } }), 'iss'],
  ['issuer without its trailing slash', () => ({ claims: { iss: emu.issuer.slice(0, -1) } }), 'iss'],
  ['wrong aud', () => ({ claims: { aud: 'someone-else' } }), 'aud'],
  ['expired', () => ({ claims: { exp: now() - 120, iat: now() - 3600, nbf: now() - 3600 } }), 'exp'],
  ['not yet valid', () => ({ claims: { nbf: now() + 3600 } }), 'nbf'],
  ['missing sub', () => ({ claims: { sub: undefined } }), 'sub'],
  ['missing exp', () => ({ claims: { exp: undefined } }), 'exp'],
])('%s is signed correctly but fails claim validation', async (_name, patch, claim) => {
  const token = await emu.issueIdToken({ tweak: patch() });
  // The signature is valid: only the claim is wrong.
  await expect(compactVerify(token, jwks)).resolves.toBeDefined();
  const err = await jwtVerify(token, jwks, { issuer: emu.issuer, audience: CLIENT_ID, algorithms: ['ES256'], requiredClaims: ['sub', 'exp'] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  // jose reports expiry as JWTExpired and every other claim as JWTClaimValidationFailed; both name the claim.
  expect(err instanceof errors.JWTClaimValidationFailed || err instanceof errors.JWTExpired).toBe(true);
  expect((err as errors.JWTClaimValidationFailed).claim).toBe(claim);
});

test('a nonce mismatch and several audiences with a foreign azp', async () => {
  const token = await emu.issueIdToken({ nonce: 'sent-nonce', tweak: { claims: { nonce: 'other-nonce' } } });
  expect((await verify(token)).payload.nonce).toBe('other-nonce');
  emu.nextIdToken((draft, ctx) => {
    draft.claims.aud = [ctx.clientId, 'another-client'];
    draft.claims.azp = 'another-client';
  });
  const multi = await emu.issueIdToken();
  const { payload } = await verify(multi);
  expect(payload.aud).toEqual([CLIENT_ID, 'another-client']);
  expect(payload.azp).toBe('another-client');
});

test('a foreign key keeps the published kid but the signature fails', async () => {
  const token = await emu.issueIdToken({ tweak: { signWith: 'foreign' } });
  expect(decodeProtectedHeader(token).kid).toBe(emu.jwks().keys[0]?.kid);
  await expect(verify(token)).rejects.toThrow(errors.JWSSignatureVerificationFailed);
});

test('an unknown kid finds no key in the JWKS', async () => {
  const token = await emu.issueIdToken({ tweak: { signWith: 'foreign', header: { kid: 'not-published' } } });
  await expect(verify(token)).rejects.toThrow(errors.JWKSNoMatchingKey);
});

test('a key the test brings, with its own algorithm', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const token = await emu.issueIdToken({ tweak: { signWith: { key: privateKey, alg: 'EdDSA' } } });
  expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
  await expect(jwtVerify(token, publicKey)).resolves.toBeDefined();
  await expect(verify(token)).rejects.toThrow(errors.JOSEAlgNotAllowed);
});

test('alg none: an unsigned token', async () => {
  const token = await emu.issueIdToken({ tweak: { signWith: 'none' } });
  expect(token.endsWith('.')).toBe(true);
  expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'none' });
  await expect(verify(token)).rejects.toThrow();
});

test('HS256 signed with the client secret (key confusion) really is a valid HMAC, and is refused as ES256', async () => {
  const token = await emu.issueIdToken({ tweak: { signWith: { secret: CLIENT_SECRET } } });
  expect(decodeProtectedHeader(token).alg).toBe('HS256');
  await expect(jwtVerify(token, new TextEncoder().encode(CLIENT_SECRET))).resolves.toBeDefined();
  await expect(verify(token)).rejects.toThrow(errors.JOSEAlgNotAllowed);
});

test('a corrupted signature', async () => {
  const token = await emu.issueIdToken({ tweak: { corruptSignature: true } });
  await expect(verify(token)).rejects.toThrow(errors.JWSSignatureVerificationFailed);
});

test('a function tweak may return a whole replacement token', async () => {
  emu.nextIdToken(() => 'not.a.jwt');
  expect((await flow(emu)).id_token).toBe('not.a.jwt');
});

test('setIdTokenTweak applies to every token until cleared, and reset() clears it', async () => {
  emu.setIdTokenTweak({ claims: { extra: 'yes' } });
  expect(decodeJwt((await flow(emu)).id_token).extra).toBe('yes');
  expect(decodeJwt((await flow(emu)).id_token).extra).toBe('yes');
  emu.setIdTokenTweak(undefined);
  expect(decodeJwt((await flow(emu)).id_token).extra).toBeUndefined();
  emu.setIdTokenTweak({ claims: { extra: 'again' } });
  emu.reset();
  expect(decodeJwt((await flow(emu)).id_token).extra).toBeUndefined();
});

test('the context handed to tweaks describes the request', async () => {
  const seen: unknown[] = [];
  emu.nextIdToken((_draft, ctx) => {
    seen.push(ctx);
  });
  await flow(emu, { nonce: 'ctx-nonce' });
  expect(seen).toEqual([{ clientId: CLIENT_ID, sub: emu.users[0]?.sub, scope: ['openid', 'profile'], nonce: 'ctx-nonce', grantType: 'authorization_code' }]);
});

test('issueIdToken refuses an unknown user', async () => {
  await expect(emu.issueIdToken({ sub: 'nobody' })).rejects.toThrow(/no user/);
});
