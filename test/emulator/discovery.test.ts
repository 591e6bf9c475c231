import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import { flow, raw } from './helpers';

let emu: RobloxEmulator;
beforeAll(async () => {
  emu = await createRobloxEmulator({ autoApprove: true });
});
afterAll(() => emu.close());

test('discovery has Roblox’s fields, the exact issuer with its trailing slash, and endpoints on the emulator', async () => {
  const res = await raw(emu, { path: '/oauth/.well-known/openid-configuration' });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const doc = res.json();
  expect(emu.issuer).toBe(`${emu.url}/oauth/`);
  expect(emu.url).toBe(`http://127.0.0.1:${emu.port}`);
  expect(doc.issuer).toBe(emu.issuer);
  expect(Object.keys(doc).sort()).toEqual(
    [
      'issuer', 'authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'resources_endpoint',
      'userinfo_endpoint', 'jwks_uri', 'registration_endpoint', 'service_documentation', 'scopes_supported', 'response_types_supported',
      'subject_types_supported', 'id_token_signing_alg_values_supported', 'claims_supported', 'token_endpoint_auth_methods_supported',
    ].sort(),
  );
  expect(doc.authorization_endpoint).toBe(`${emu.issuer}v1/authorize`);
  expect(doc.token_endpoint).toBe(`${emu.issuer}v1/token`);
  expect(doc.introspection_endpoint).toBe(`${emu.issuer}v1/token/introspect`);
  expect(doc.revocation_endpoint).toBe(`${emu.issuer}v1/token/revoke`);
  expect(doc.resources_endpoint).toBe(`${emu.issuer}v1/token/resources`);
  expect(doc.userinfo_endpoint).toBe(`${emu.issuer}v1/userinfo`);
  expect(doc.jwks_uri).toBe(`${emu.issuer}v1/certs`);
  expect(doc.id_token_signing_alg_values_supported).toEqual(['ES256']);
  expect(doc.response_types_supported).toEqual(['none', 'code']);
  expect(doc.token_endpoint_auth_methods_supported).toEqual(['client_secret_post', 'client_secret_basic']);
  expect(doc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile']));
  expect(emu.endpoints.discovery).toBe(`${emu.issuer}.well-known/openid-configuration`);
});

test('HEAD on discovery answers without a body', async () => {
  const res = await raw(emu, { method: 'HEAD', path: '/oauth/.well-known/openid-configuration' });
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
});

test('JWKS publishes ES256 public keys with kid, alg and use, and nothing private', async () => {
  const res = await raw(emu, { path: '/oauth/v1/certs' });
  expect(res.status).toBe(200);
  const jwks = res.json();
  expect(jwks.keys).toHaveLength(1);
  const [key] = jwks.keys;
  expect(key).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
  expect(key.d).toBeUndefined();
  expect(emu.jwks()).toEqual(jwks);
});

test('rotateKeys signs with a new kid, keeps the old key published, and can drop it', async () => {
  const before = (await raw(emu, { path: '/oauth/v1/certs' })).json();
  const oldKid = before.keys[0].kid;
  const oldToken = (await flow(emu)).id_token;

  const { kid } = await emu.rotateKeys();
  expect(kid).not.toBe(oldKid);
  const after = (await raw(emu, { path: '/oauth/v1/certs' })).json();
  expect(after.keys.map((k: { kid: string }) => k.kid)).toEqual([kid, oldKid]);

  const newToken = (await flow(emu)).id_token;
  expect(decodeProtectedHeader(newToken).kid).toBe(kid);
  const jwks = createLocalJWKSet(after);
  await expect(jwtVerify(newToken, jwks, { issuer: emu.issuer })).resolves.toBeDefined();
  await expect(jwtVerify(oldToken, jwks, { issuer: emu.issuer })).resolves.toBeDefined();

  const { kid: third } = await emu.rotateKeys({ keepPrevious: false });
  const dropped = (await raw(emu, { path: '/oauth/v1/certs' })).json();
  expect(dropped.keys.map((k: { kid: string }) => k.kid)).toEqual([third]);
  await expect(jwtVerify(oldToken, createLocalJWKSet(dropped))).rejects.toThrow();
});
