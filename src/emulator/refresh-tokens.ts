import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * Plaintext length the claims are padded to: 479 bytes encrypt (AES-CBC, PKCS#7) to 480 bytes of ciphertext,
 * which makes the whole token 841 characters, the length of the refresh token in Roblox's documented example.
 */
const PLAINTEXT_BYTES = 479;

/** What a refresh token carries (encrypted: the relying party cannot read it, as with Roblox's). */
export interface RefreshTokenClaims {
  sub: string;
  aid: string;
  jti: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

/**
 * Makes refresh tokens in Roblox's shape: a compact JWE (`alg: dir`, `enc: A256CBC-HS512`, a `kid`, `typ: JWT`)
 * of Roblox's length, encrypted under a key only this emulator knows. The emulator still finds a token's grant by
 * the token's exact text; the encryption only makes the token look, and weigh, like Roblox's.
 */
export class RefreshTokenSealer {
  private readonly key: Buffer;
  /** The protected header, base64url: the same for every token of this emulator (one key, one `kid`). */
  private readonly header = Buffer.from(
    JSON.stringify({ alg: 'dir', enc: 'A256CBC-HS512', kid: randomBytes(32).toString('base64url'), typ: 'JWT' }),
  ).toString('base64url');

  /**
   * @param key 64 bytes: the first half keys the HMAC, the second the cipher (RFC 7518 §5.2.2.1). Default: random,
   *   known to no one (the emulator never decrypts: it looks tokens up by their text).
   */
  constructor(key?: Uint8Array) {
    if (key !== undefined && key.length !== 64) throw new RangeError('RefreshTokenSealer: the key must be 64 bytes');
    this.key = key === undefined ? randomBytes(64) : Buffer.from(key);
  }

  /**
   * Encrypts the claims, padded so that the token is Roblox's 841 characters (longer only for very long claims).
   * AES_256_CBC_HMAC_SHA_512 is done with node:crypto directly (RFC 7518 §5.2), synchronously; it costs about as
   * much as one ES256 signature.
   */
  seal(claims: RefreshTokenClaims): string {
    const { sub, aid, jti, iat, exp, iss, aud } = claims;
    const body = { sub, aid, jti, nbf: iat, exp, iat, iss, aud };
    const bare = Buffer.byteLength(JSON.stringify({ ...body, pad: '' }));
    // The filler is encrypted like the rest: it needs no randomness (the IV makes every token different).
    const pad = '0'.repeat(Math.max(0, PLAINTEXT_BYTES - bare));
    const plaintext = Buffer.from(JSON.stringify({ ...body, pad }));
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-256-cbc', this.key.subarray(32), iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const aad = Buffer.from(this.header, 'ascii');
    const al = Buffer.alloc(8);
    al.writeBigUInt64BE(BigInt(aad.length * 8));
    const tag = createHmac('sha512', this.key.subarray(0, 32)).update(Buffer.concat([aad, iv, ciphertext, al])).digest().subarray(0, 32);
    return `${this.header}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
  }
}
