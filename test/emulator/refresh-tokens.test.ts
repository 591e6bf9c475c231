import { randomBytes } from 'node:crypto';
import { compactDecrypt } from 'jose';
import { RefreshTokenSealer } from '../../src/emulator/refresh-tokens';

const claims = {
  sub: '2067243959', aid: '3d61e747-3a15-4518-bb41-1e73ea452eb0', jti: 'RT.PnaVTzISy6bB9LnPbviL', iat: 1691639698,
  exp: 1691639698 + 90 * 86400, iss: 'https://apis.roblox.com/oauth/', aud: '7290610397987934964',
};

test('a refresh token is a real A256CBC-HS512 JWE that an independent implementation (jose) decrypts', async () => {
  const key = randomBytes(64);
  const token = new RefreshTokenSealer(key).seal(claims);
  const { plaintext, protectedHeader } = await compactDecrypt(token, key);
  expect(protectedHeader).toEqual({ alg: 'dir', enc: 'A256CBC-HS512', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), typ: 'JWT' });
  const body = JSON.parse(Buffer.from(plaintext).toString());
  expect(body).toMatchObject({ sub: claims.sub, aid: claims.aid, jti: claims.jti, nbf: claims.iat, iat: claims.iat, exp: claims.exp, iss: claims.iss, aud: claims.aud });
  // A flipped ciphertext byte fails authentication.
  const parts = token.split('.');
  const ct = Buffer.from(parts[3]!, 'base64url');
  ct[0] = ct[0]! ^ 1;
  parts[3] = ct.toString('base64url');
  await expect(compactDecrypt(parts.join('.'), key)).rejects.toThrow();
});

test('with Roblox\'s own issuer and client ID the token is exactly the 841 characters of Roblox\'s example; every token differs', () => {
  const sealer = new RefreshTokenSealer();
  const a = sealer.seal(claims);
  const b = sealer.seal(claims);
  expect(a).toHaveLength(841);
  expect(b).toHaveLength(841);
  expect(a).not.toBe(b);
  expect(a.split('.')[0]).toBe(b.split('.')[0]); // one key, one kid
  expect(() => new RefreshTokenSealer(new Uint8Array(32))).toThrow(RangeError);
});
