import { randomBytes, randomUUID } from 'node:crypto';
import type { EmulatorResources } from './types';

/** An authorization request waiting on the consent page. */
export interface PendingRequest {
  clientId: string;
  redirectUri: string;
  responseType: 'code' | 'none';
  scope: string[];
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  expiresAt: number;
}

/** An authorization code and everything it is bound to. */
export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  scope: string[];
  nonce: string | undefined;
  sub: string;
  /** What the user chose to share on the consent page (all of their resources when approved automatically). */
  resources: EmulatorResources;
  codeChallenge: string | undefined;
  expiresAt: number;
  /** Set once presented by its client: the code is burned, and the grant made from it (if any) is remembered. */
  used: boolean;
  grantId: string | undefined;
}

/** One authorization: a user's consent to a client, alive until revoked. */
export interface Grant {
  /** A UUID, as Roblox's `aid` (authorization ID) claim is. */
  id: string;
  clientId: string;
  sub: string;
  scope: string[];
  /** The resources the user shared, answered by the resources endpoint for the grant's whole life. */
  resources: EmulatorResources;
  /** The one live refresh token of this grant (rotation leaves exactly one). */
  refreshToken: string | undefined;
  /**
   * Internal: when the last token issued from this grant expires (ms). The grant is kept until then, so that a
   * refresh token expiring (which is not a revocation) leaves the grant's unexpired access tokens working.
   */
  until: number;
}

/** An issued access or refresh token. */
export interface TokenRecord {
  jti: string;
  grantId: string;
  clientId: string;
  sub: string;
  scope: string[];
  issuedAt: number;
  expiresAt: number;
}

/** 256 bits of randomness, base64url: codes and consent request IDs. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

const PURGE_EVERY_MS = 5_000;

/**
 * Everything the emulator remembers, in memory. Expired entries are purged lazily (at most every few seconds,
 * on writes) so that a long benchmark does not grow without bound.
 */
export class GrantStore {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly grants = new Map<string, Grant>();
  private readonly access = new Map<string, TokenRecord>();
  private readonly refresh = new Map<string, TokenRecord>();
  private readonly spent = new Map<string, { grantId: string; expiresAt: number }>();
  private lastPurge = 0;

  constructor(private readonly now: () => number) {}

  addPending(request: PendingRequest): string {
    this.maybePurge();
    const id = randomToken();
    this.pending.set(id, request);
    return id;
  }

  /** A live pending request, left in place. */
  peekPending(id: string): PendingRequest | undefined {
    const p = this.pending.get(id);
    if (p && p.expiresAt <= this.now()) {
      this.pending.delete(id);
      return undefined;
    }
    return p;
  }

  /** Consumes a pending request: single use. */
  takePending(id: string): PendingRequest | undefined {
    const p = this.peekPending(id);
    this.pending.delete(id);
    return p;
  }

  addCode(record: Omit<CodeRecord, 'used' | 'grantId'>): string {
    this.maybePurge();
    const code = randomToken();
    this.codes.set(code, { ...record, used: false, grantId: undefined });
    return code;
  }

  /** The code's record, expired ones excluded (and forgotten). */
  getCode(code: string): CodeRecord | undefined {
    const c = this.codes.get(code);
    if (c && c.expiresAt <= this.now()) {
      this.codes.delete(code);
      return undefined;
    }
    return c;
  }

  addGrant(grant: Omit<Grant, 'id' | 'refreshToken' | 'until'>): Grant {
    this.maybePurge();
    const g: Grant = { ...grant, id: randomUUID(), refreshToken: undefined, until: this.now() };
    this.grants.set(g.id, g);
    return g;
  }

  getGrant(id: string): Grant | undefined {
    return this.grants.get(id);
  }

  /** Ends a grant: its refresh token dies now; its access tokens fail everywhere but introspection (Roblox's quirk). */
  revokeGrant(id: string): boolean {
    const g = this.grants.get(id);
    if (!g) return false;
    if (g.refreshToken !== undefined) this.refresh.delete(g.refreshToken);
    this.grants.delete(id);
    return true;
  }

  /** Revokes every grant of a user and forgets their unredeemed codes. Returns the number of grants revoked. */
  revokeUser(sub: string): number {
    let n = 0;
    for (const g of [...this.grants.values()]) if (g.sub === sub && this.revokeGrant(g.id)) n++;
    for (const [code, c] of this.codes) if (c.sub === sub && !c.used) this.codes.delete(code);
    return n;
  }

  addAccess(token: string, record: TokenRecord): void {
    // The grant's lifetime is extended before purging, so that a grant just made is never purged before its first token.
    this.extend(record);
    this.maybePurge();
    this.access.set(token, record);
  }

  /** An unexpired access token's record, whether or not its grant was revoked. */
  getAccess(token: string): TokenRecord | undefined {
    const r = this.access.get(token);
    if (r && r.expiresAt <= this.now()) {
      this.access.delete(token);
      return undefined;
    }
    return r;
  }

  /** Records a grant's new refresh token, replacing (killing) the previous one. */
  setRefresh(grant: Grant, token: string, record: TokenRecord): void {
    this.extend(record);
    this.maybePurge();
    if (grant.refreshToken !== undefined) this.refresh.delete(grant.refreshToken);
    grant.refreshToken = token;
    this.refresh.set(token, record);
  }

  /** A live refresh token's record: unexpired, unused, grant not revoked. */
  getRefresh(token: string): TokenRecord | undefined {
    const r = this.refresh.get(token);
    if (r && (r.expiresAt <= this.now() || !this.grants.has(r.grantId))) {
      this.refresh.delete(token);
      return undefined;
    }
    return r;
  }

  /** Forgets a refresh token after use (single-use), remembering its grant if reuse detection is on. */
  spendRefresh(token: string, remember: boolean): void {
    const r = this.refresh.get(token);
    this.refresh.delete(token);
    if (r && remember) this.spent.set(token, { grantId: r.grantId, expiresAt: r.expiresAt });
  }

  /** The grant a spent refresh token came from (only remembered with reuse detection). */
  spentRefresh(token: string): string | undefined {
    return this.spent.get(token)?.grantId;
  }

  /** Sizes, for tests of purging. */
  get size(): { pending: number; codes: number; grants: number; access: number; refresh: number } {
    return { pending: this.pending.size, codes: this.codes.size, grants: this.grants.size, access: this.access.size, refresh: this.refresh.size };
  }

  /**
   * Drops everything expired now. A grant goes once every token issued from it has expired (its refresh token
   * expiring alone is not a revocation: its access tokens keep working until they expire).
   */
  purge(): void {
    const now = this.now();
    this.lastPurge = now;
    for (const map of [this.pending, this.codes, this.access, this.refresh, this.spent] as Array<Map<string, { expiresAt: number }>>) {
      for (const [k, v] of map) if (v.expiresAt <= now) map.delete(k);
    }
    for (const [id, g] of this.grants) if (g.until <= now) this.grants.delete(id);
  }

  /** Keeps a token's grant at least as long as the token. */
  private extend(record: TokenRecord): void {
    const g = this.grants.get(record.grantId);
    if (g && record.expiresAt > g.until) g.until = record.expiresAt;
  }

  private maybePurge(): void {
    if (this.now() - this.lastPurge >= PURGE_EVERY_MS) this.purge();
  }
}
