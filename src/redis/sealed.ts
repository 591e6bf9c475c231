import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Keys derived from the coordinator's `secret`: one to name Redis keys (HMAC, so that a key reveals nothing
 * about the refresh token and cannot be guessed from it without the secret) and one to seal values
 * (AES-256-GCM, so that Redis never holds a token in clear and a tampered value is refused).
 */
export class Sealer {
  private readonly nameKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(secret: string | Buffer) {
    const ikm = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    this.nameKey = Buffer.from(hkdfSync('sha256', ikm, 'passport-roblox-oidc', 'redis key names', 32));
    this.sealKey = Buffer.from(hkdfSync('sha256', ikm, 'passport-roblox-oidc', 'redis sealed values', 32));
  }

  /** A Redis key component for a token key: HMAC-SHA256, base64url. */
  name(tokenKey: string): string {
    return createHmac('sha256', this.nameKey).update(tokenKey).digest('base64url');
  }

  /** Encrypts `plain`, bound to `context` (the Redis key) so a value cannot be moved to another key. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Decrypts a value sealed for `context`; undefined when it is not ours (another secret, tampered, garbage). */
  open(sealed: string, context: string): string | undefined {
    if (!sealed.startsWith('v1.')) return undefined;
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    if (raw.length < 29) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
