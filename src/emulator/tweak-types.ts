import type { KeyObject, webcrypto } from 'node:crypto';

/**
 * An injected failure for {@link RobloxEmulator.failNext}. With no field set, the endpoint answers 500 with
 * an OAuth-shaped `server_error` body.
 *
 * @example
 * ```ts
 * emu.failNext('token', { status: 503 });                         // a 5xx
 * emu.failNext('token', { status: 200, body: '{"access_token":' }); // broken JSON
 * emu.failNext('jwks', { hang: true });                            // never answers
 * emu.failNext('userinfo', { reset: true, times: 2 });             // connection reset, twice
 * ```
 */
export interface EmulatorFailure {
  /** HTTP status. Default 500. */
  status?: number;
  /** Raw response body. Default `{"error":"server_error",...}` for statuses >= 400, empty otherwise. */
  body?: string;
  /** Default `application/json; charset=utf-8`. */
  contentType?: string;
  /** Accept the request and never answer (until the client gives up or the emulator closes). */
  hang?: boolean;
  /** Destroy the connection without answering. */
  reset?: boolean;
  /** How many consecutive requests fail this way. Default 1. */
  times?: number;
}

/**
 * How an ID token is signed. `'current'` (default): the emulator's current published key. `'foreign'`: an
 * ES256 key that is never published (the header keeps the current `kid` unless changed). `'none'`: no
 * signature (`alg: none`). `{ secret }`: HMAC (HS256 unless the header says HS384/HS512), e.g. with the
 * client secret. `{ key, alg }`: any private key the test brings.
 *
 * @example
 * ```ts
 * emu.nextIdToken({ signWith: 'foreign' });                                   // bad signature, known kid
 * emu.nextIdToken({ signWith: 'foreign', header: { kid: 'unknown' } });       // kid not in the JWKS
 * emu.nextIdToken({ signWith: { secret: ROBLOX_EMULATOR_CLIENT_SECRET } });   // HS256 key confusion
 * emu.nextIdToken({ signWith: { key: generateKeyPairSync('ed25519').privateKey, alg: 'EdDSA' } });
 * ```
 */
export type IdTokenSigner =
  | 'current'
  | 'foreign'
  | 'none'
  | { secret: string | Uint8Array }
  | { key: KeyObject | webcrypto.CryptoKey; alg?: string };

/** What an ID token is about to be, handed to an {@link IdTokenTweak} function to change freely. */
export interface IdTokenDraft {
  /** Protected header: `{ alg: 'ES256', kid, typ: 'JWT' }`. */
  header: Record<string, unknown>;
  /** Claims: `sub`, `name`…, `nonce`, `jti`, `nbf`, `exp`, `iat`, `iss`, `aud`. Delete a key to drop a claim. */
  claims: Record<string, unknown>;
  signWith: IdTokenSigner;
  /** Flip a bit of the signature so that it does not verify. */
  corruptSignature: boolean;
}

/**
 * Declarative changes to the next ID token. In `header` and `claims`, a value of `undefined` removes the entry.
 *
 * @example
 * ```ts
 * emu.nextIdToken({ claims: { aud: 'another-client' } });
 * emu.nextIdToken({ claims: { sub: undefined } });          // drop a claim
 * emu.nextIdToken({ header: { alg: 'RS256' } });            // lie about the algorithm (still ES256-signed)
 * emu.nextIdToken({ corruptSignature: true });
 * ```
 */
export interface IdTokenPatch {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Signing other than with the current key. `'none'` and `{ secret }` also set a fitting `alg` unless `header.alg` is given. */
  signWith?: IdTokenSigner;
  corruptSignature?: boolean;
}

/** Why an ID token is being issued, for {@link IdTokenTweak} functions. */
export interface IdTokenContext {
  clientId: string;
  sub: string;
  scope: readonly string[];
  nonce: string | undefined;
  grantType: 'authorization_code' | 'refresh_token' | 'manual';
}

/**
 * Changes an ID token before it is signed: a patch object, or a function that mutates the draft (or returns a
 * complete replacement token string, e.g. `'not.a.jwt'`).
 *
 * @example
 * ```ts
 * emu.nextIdToken({ claims: { iss: 'https://evil.example/' } });
 * emu.nextIdToken({ claims: { exp: Math.floor(Date.now() / 1000) - 60 } });
 * emu.nextIdToken({ signWith: 'none' });
 * emu.nextIdToken((draft, ctx) => { draft.claims.aud = [ctx.clientId, 'other']; draft.claims.azp = 'other'; });
 * ```
 */
export type IdTokenTweak =
  | IdTokenPatch
  | ((draft: IdTokenDraft, context: IdTokenContext) => void | string | Promise<void | string>);

/** Why a userinfo body is being sent, for {@link UserinfoTweak} functions. */
export interface UserinfoContext {
  clientId: string;
  sub: string;
  scope: readonly string[];
}

/**
 * Changes the next userinfo body: a patch merged into it (`undefined` removes a claim), or a function that
 * mutates it, returns a replacement object, or returns a raw string body.
 *
 * @example
 * ```ts
 * emu.nextUserinfo({ sub: '999' });          // a different subject than the ID token
 * emu.nextUserinfo(() => '{"sub":');         // broken JSON with status 200
 * ```
 */
export type UserinfoTweak =
  | Record<string, unknown>
  | ((body: Record<string, unknown>, context: UserinfoContext) => void | string | Record<string, unknown>);

/** Why a token answer is being sent, for {@link TokenResponseTweak} functions. */
export interface TokenResponseContext {
  grantType: 'authorization_code' | 'refresh_token';
  clientId: string;
  sub: string;
}

/**
 * Changes the next successful token answer after the grant has really been updated (the code burned, the refresh
 * token rotated): a patch merged into the body (`undefined` removes a field), or a function that mutates it,
 * returns a replacement object, or returns a raw string body. For hostile cases such as a rotated refresh token
 * delivered beside a malformed field.
 *
 * @example
 * ```ts
 * emu.nextTokenResponse({ expires_in: 1e308 });                 // new refresh token, absurd lifetime
 * emu.nextTokenResponse((body) => `${JSON.stringify(body)}x`);  // the same tokens in a broken body
 * ```
 */
export type TokenResponseTweak =
  | Record<string, unknown>
  | ((body: Record<string, unknown>, context: TokenResponseContext) => void | string | Record<string, unknown>);

/**
 * Inputs of {@link RobloxEmulator.issueIdToken}.
 *
 * @example
 * ```ts
 * const idToken = await emu.issueIdToken({ sub: '2067243959', nonce: 'n-1', tweak: { claims: { exp: 0 } } });
 * ```
 */
export interface IssueIdTokenOptions {
  /** Default: the first user. */
  sub?: string;
  /** Default: {@link ROBLOX_EMULATOR_CLIENT_ID}. */
  clientId?: string;
  nonce?: string;
  /** Default `['openid', 'profile']`. */
  scope?: string[];
  tweak?: IdTokenTweak;
}
