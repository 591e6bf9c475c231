import { randomBytes } from 'node:crypto';
import { CompactEncrypt } from 'jose';

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
  private readonly key = new Uint8Array(randomBytes(64));
  private readonly kid = randomBytes(32).toString('base64url');

  /** Encrypts the claims, padded so that the token is Roblox's 841 characters (longer only for very long claims). */
  async seal(claims: RefreshTokenClaims): Promise<string> {
    const { sub, aid, jti, iat, exp, iss, aud } = claims;
    const body = { sub, aid, jti, nbf: iat, exp, iat, iss, aud };
    const bare = Buffer.byteLength(JSON.stringify({ ...body, pad: '' }));
    const pad = PLAINTEXT_BYTES > bare ? randomBytes(PLAINTEXT_BYTES).toString('base64url').slice(0, PLAINTEXT_BYTES - bare) : '';
    const plaintext = new TextEncoder().encode(JSON.stringify({ ...body, pad }));
    return new CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: 'dir', enc: 'A256CBC-HS512', kid: this.kid, typ: 'JWT' })
      .encrypt(this.key);
  }
}
