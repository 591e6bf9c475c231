import { createHmac, KeyObject, sign, verify, type webcrypto } from 'node:crypto';
import type { KeyStore } from './keys';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Hash and options Node needs for a JWS `alg`. */
function asymmetric(alg: string): { hash: string | null; options: { dsaEncoding?: 'ieee-p1363'; padding?: number; saltLength?: number } } {
  const bits = alg.slice(2);
  const hash = bits === '384' ? 'sha384' : bits === '512' ? 'sha512' : 'sha256';
  if (alg.startsWith('ES')) return { hash, options: { dsaEncoding: 'ieee-p1363' } };
  if (alg.startsWith('PS')) return { hash, options: { padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: Number(bits) / 8 } };
  if (alg === 'EdDSA' || alg === 'Ed25519') return { hash: null, options: {} };
  return { hash, options: {} };
}

/**
 * Signs `header.payload` with any key and any algorithm, whatever the header claims. jose's signers refuse a
 * header whose `alg` does not fit the key, which is exactly what hostile tests need to produce.
 */
export function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer:
    | { kind: 'none' }
    | { kind: 'hmac'; alg: string; secret: string | Uint8Array }
    | { kind: 'key'; alg: string; key: KeyObject | webcrypto.CryptoKey },
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (signer.kind === 'none') return `${input}.`;
  if (signer.kind === 'hmac') {
    const hash = signer.alg === 'HS384' ? 'sha384' : signer.alg === 'HS512' ? 'sha512' : 'sha256';
    return `${input}.${createHmac(hash, signer.secret).update(input).digest('base64url')}`;
  }
  const key = signer.key instanceof KeyObject ? signer.key : KeyObject.from(signer.key);
  const { hash, options } = asymmetric(signer.alg);
  return `${input}.${sign(hash, Buffer.from(input), { key, ...options }).toString('base64url')}`;
}

/** Flips one bit of a compact JWS's signature so that it no longer verifies. */
export function corruptSignature(token: string): string {
  const dot = token.lastIndexOf('.');
  const sig = Buffer.from(token.slice(dot + 1), 'base64url');
  if (sig.length === 0) return `${token}AAAA`;
  sig[0] = (sig[0] as number) ^ 0x01;
  return `${token.slice(0, dot + 1)}${sig.toString('base64url')}`;
}

/** A verified JWT's claims, or undefined: ES256 with a published key, unexpired. Used for introspecting ID tokens. */
export function verifyOwnJwt(token: string, keys: KeyStore, nowSeconds: number): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'ES256') return undefined;
    const key = keys.find(header.kid);
    if (!key) return undefined;
    const signature = Buffer.from(parts[2] as string, 'base64url');
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    if (!ok) return undefined;
    const claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as unknown;
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
    const c = claims as Record<string, unknown>;
    return typeof c.exp === 'number' && c.exp > nowSeconds ? c : undefined;
  } catch {
    return undefined;
  }
}
