import { randomBytes } from 'node:crypto';
import { corruptSignature, signCompact } from './jws';
import type { KeyStore } from './keys';
import type { IdTokenContext, IdTokenDraft, IdTokenPatch, IdTokenTweak } from './tweak-types';
import type { EmulatorUser } from './types';

/** A Roblox-style token ID: a prefix (`ID.`, `AT.`, `RT.`) and 20 random characters. */
export function tokenId(prefix: string): string {
  return `${prefix}${randomBytes(15).toString('base64url')}`;
}

/**
 * The `scope` claim of a Roblox access token: each scope with its operation, identity scopes reading
 * (`openid profile` becomes `openid:read profile:read`, as in Roblox's example); resource scopes already name
 * theirs (`universe-messaging-service:publish`).
 */
export function accessTokenScope(scope: readonly string[]): string {
  return scope.map((s) => (s.includes(':') ? s : `${s}:read`)).join(' ');
}

function merge(target: Record<string, unknown>, patch: Record<string, unknown> | undefined): void {
  if (!patch) return;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete target[k];
    else target[k] = v;
  }
}

function applyPatch(draft: IdTokenDraft, patch: IdTokenPatch): void {
  merge(draft.header, patch.header);
  merge(draft.claims, patch.claims);
  if (patch.corruptSignature !== undefined) draft.corruptSignature = patch.corruptSignature;
  if (patch.signWith === undefined) return;
  draft.signWith = patch.signWith;
  const headerAlg = patch.header?.alg;
  if (headerAlg !== undefined) return;
  if (patch.signWith === 'none') draft.header.alg = 'none';
  else if (typeof patch.signWith === 'object' && 'secret' in patch.signWith) draft.header.alg = 'HS256';
  else if (typeof patch.signWith === 'object' && patch.signWith.alg) draft.header.alg = patch.signWith.alg;
}

/**
 * Builds, tweaks and signs ID tokens. Tweaks exist so that tests of relying parties can make the emulator
 * misbehave in exactly one way at a time (wrong `iss`, expired, foreign key, `alg: none`, ...).
 */
export class IdTokenIssuer {
  private readonly queue: IdTokenTweak[] = [];
  private standing: IdTokenTweak | undefined;

  constructor(
    private readonly keys: KeyStore,
    private readonly issuer: string,
    private readonly ttl: () => number,
    private readonly now: () => number,
  ) {}

  /** Queues a one-shot tweak. */
  next(tweak: IdTokenTweak): void {
    this.queue.push(tweak);
  }

  /** Sets (or clears) the tweak applied to every token. */
  setStanding(tweak: IdTokenTweak | undefined): void {
    this.standing = tweak;
  }

  /** Forgets every tweak. */
  clear(): void {
    this.queue.length = 0;
    this.standing = undefined;
  }

  /** The claims Roblox puts in an ID token: profile claims only with the `profile` scope, `nonce` only if one was sent. */
  claims(user: EmulatorUser, context: IdTokenContext): Record<string, unknown> {
    const iat = Math.floor(this.now() / 1000);
    const claims: Record<string, unknown> = { sub: user.sub };
    if (context.scope.includes('profile')) {
      claims.name = user.displayName;
      claims.nickname = user.displayName;
      claims.preferred_username = user.username;
      claims.created_at = user.createdAt;
      claims.profile = user.profileUrl;
    }
    if (context.nonce !== undefined) claims.nonce = context.nonce;
    Object.assign(claims, { jti: tokenId('ID.'), nbf: iat, exp: iat + this.ttl(), iat, iss: this.issuer, aud: context.clientId });
    return claims;
  }

  /** Issues an ID token for a user, applying the standing tweak and then the next queued one. */
  async issue(user: EmulatorUser, context: IdTokenContext, extra?: IdTokenTweak): Promise<string> {
    const draft: IdTokenDraft = {
      header: { alg: 'ES256', kid: this.keys.current.kid, typ: 'JWT' },
      claims: this.claims(user, context),
      signWith: 'current',
      corruptSignature: false,
    };
    const tweaks = [this.standing, this.queue.shift(), extra].filter((t): t is IdTokenTweak => t !== undefined);
    for (const tweak of tweaks) {
      if (typeof tweak === 'function') {
        const replaced = await tweak(draft, context);
        if (typeof replaced === 'string') return replaced;
      } else {
        applyPatch(draft, tweak);
      }
    }
    return this.sign(draft);
  }

  private async sign(draft: IdTokenDraft): Promise<string> {
    const { header, claims, signWith } = draft;
    const alg = typeof header.alg === 'string' ? header.alg : 'ES256';
    let token: string;
    if (signWith === 'none') token = signCompact(header, claims, { kind: 'none' });
    else if (signWith === 'current') token = signCompact(header, claims, { kind: 'key', alg: 'ES256', key: this.keys.current.privateKey });
    else if (signWith === 'foreign') token = signCompact(header, claims, { kind: 'key', alg: 'ES256', key: (await this.keys.foreign()).privateKey });
    else if ('secret' in signWith) token = signCompact(header, claims, { kind: 'hmac', alg, secret: signWith.secret });
    else token = signCompact(header, claims, { kind: 'key', alg: signWith.alg ?? alg, key: signWith.key });
    return draft.corruptSignature ? corruptSignature(token) : token;
  }

  /**
   * Signs an access token the way Roblox shapes them: an ES256 JWT carrying the grant ID as `aid`, the scopes in
   * Roblox's claim form (see {@link accessTokenScope}) and a `jti` starting `AT.`; never tweaked.
   */
  accessToken(claims: { sub: string; aid: string; scope: readonly string[]; jti: string; iat: number; exp: number; aud: string }): string {
    const { sub, aid, scope, jti, iat, exp, aud } = claims;
    return signCompact(
      { alg: 'ES256', kid: this.keys.current.kid, typ: 'JWT' },
      { sub, aid, scope: accessTokenScope(scope), jti, nbf: iat, exp, iat, iss: this.issuer, aud },
      { kind: 'key', alg: 'ES256', key: this.keys.current.privateKey },
    );
  }
}
