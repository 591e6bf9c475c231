import { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK } from 'jose';

/** One ES256 signing key: KeyObjects for synchronous signing and verifying, and the public JWK as published. */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  return {
    kid,
    privateKey: KeyObject.from(privateKey),
    publicKey: KeyObject.from(publicKey),
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' },
  };
}

/**
 * The emulator's signing keys. The newest signs; older ones stay in the JWKS after a rotation (as a provider
 * keeps them while tokens signed with them are alive) unless dropped.
 */
export class KeyStore {
  private keys: SigningKey[];
  private foreignKey: SigningKey | undefined;
  private jwksJson: string | undefined;

  private constructor(first: SigningKey) {
    this.keys = [first];
  }

  /** Creates a store with one fresh key. */
  static async create(): Promise<KeyStore> {
    return new KeyStore(await newKey());
  }

  /** The key that signs new tokens. */
  get current(): SigningKey {
    return this.keys[0] as SigningKey;
  }

  /** An ES256 key that is never published, for tests of foreign signatures. Created on first use. */
  async foreign(): Promise<SigningKey> {
    this.foreignKey ??= await newKey();
    return this.foreignKey;
  }

  /** Adds a new current key; keeps the older ones in the JWKS unless `keepPrevious` is false. */
  async rotate(keepPrevious = true): Promise<SigningKey> {
    const key = await newKey();
    this.keys = keepPrevious ? [key, ...this.keys] : [key];
    this.jwksJson = undefined;
    return key;
  }

  /** The public key set, newest first. */
  jwks(): JSONWebKeySet {
    return { keys: this.keys.map((k) => ({ ...k.publicJwk })) };
  }

  /** The JWKS as served (serialized once per rotation). */
  jwksBody(): string {
    this.jwksJson ??= JSON.stringify(this.jwks());
    return this.jwksJson;
  }

  /** Finds a published key by `kid`. */
  find(kid: unknown): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }
}
