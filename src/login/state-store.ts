import { createHash, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { cookieSessionKind, sessionOf, type SessionLike } from '../tokens/session';
import { RobloxConfigurationError } from '../errors';
import { isObject } from '../tokens/is-object';

/**
 * One started login, kept in the session until its callback arrives. Never leaves the server: the
 * authorization URL carries the state, the nonce and the S256 challenge, never the verifier.
 *
 * @example
 * ```ts
 * // req.session['roblox:oidc'] while two tabs are signing in:
 * // { '<state 1>': { nonce, codeVerifier, redirectUri, scope: ['openid', 'profile'], createdAt }, '<state 2>': { … } }
 * ```
 */
export interface LoginTransaction {
  nonce: string;
  codeVerifier: string;
  /** The redirect URI sent to the authorize endpoint; the token exchange must send the identical one. */
  redirectUri: string;
  scope: string[];
  /** A same-site path to go to after login. */
  returnTo?: string;
  /** ms since the epoch. */
  createdAt: number;
}

/** What {@link SessionTransactionStore.begin} hands to the authorization request. */
export interface StartedLogin {
  state: string;
  nonce: string;
  codeChallenge: string;
  transaction: LoginTransaction;
}

/** Why a callback's state was refused. */
export type StateProblem = 'missing' | 'unknown' | 'expired';

/** Options of {@link SessionTransactionStore}. */
export interface TransactionStoreOptions {
  /** Session key (default `'roblox:oidc'`). */
  key?: string;
  /** Milliseconds a transaction lives (default 10 minutes). */
  ttl?: number;
  /** Pending transactions kept per session; the oldest is evicted beyond this (default 10; at most 3 in a cookie session). */
  max?: number;
}

/** A random base64url string of `bytes` random bytes (32 bytes: 256 bits, 43 characters). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The PKCE S256 challenge of a verifier (RFC 7636 §4.2). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** Pending logins kept in a cookie-held session (about 300 bytes each): the oldest beyond this is evicted. */
export const COOKIE_SESSION_MAX = 3;

const STATE_FORMAT = /^[A-Za-z0-9_-]{22,128}$/;
type Pending = Record<string, LoginTransaction>;

function isTransaction(value: unknown): value is LoginTransaction {
  return (
    isObject(value) &&
    typeof value.nonce === 'string' &&
    typeof value.codeVerifier === 'string' &&
    typeof value.redirectUri === 'string' &&
    Array.isArray(value.scope) &&
    typeof value.createdAt === 'number' &&
    (value.returnTo === undefined || typeof value.returnTo === 'string')
  );
}

/**
 * Pending logins in `req.session`, one transaction per login keyed by its state, so that several tabs can
 * each finish their own login. Bounded (oldest evicted) and expiring; a transaction is removed on first use.
 *
 * @example
 * ```ts
 * const store = new SessionTransactionStore({ ttl: 600_000, max: 10 });
 * const { state, nonce, codeChallenge } = store.begin(req, { redirectUri, scope: ['openid'] });
 * // … later, in the callback:
 * const found = store.take(req, req.query.state);
 * if ('problem' in found) fail(found.problem);
 * ```
 */
export class SessionTransactionStore {
  readonly key: string;
  readonly ttl: number;
  readonly max: number;

  constructor(options: TransactionStoreOptions = {}) {
    this.key = options.key ?? 'roblox:oidc';
    this.ttl = options.ttl ?? 600_000;
    this.max = options.max ?? 10;
  }

  private session(req: Request): SessionLike {
    const session = sessionOf(req);
    if (!session) {
      throw new RobloxConfigurationError('RobloxStrategy needs session middleware (e.g. express-session) before passport');
    }
    return session;
  }

  /** The unexpired pending transactions of this request's session, oldest first. */
  pending(req: Request): Pending {
    return this.pendingIn(this.session(req));
  }

  /**
   * The unexpired pending transactions of any session object (e.g. the copy a session store holds now, which
   * may have logins other tabs started after this request's session was loaded), oldest first.
   */
  pendingIn(session: unknown): Pending {
    const now = Date.now();
    const stored = isObject(session) ? session[this.key] : undefined;
    const result: Pending = {};
    if (!isObject(stored)) return result;
    const entries: [string, LoginTransaction][] = [];
    for (const [state, tx] of Object.entries(stored)) {
      if (STATE_FORMAT.test(state) && isTransaction(tx) && now - tx.createdAt < this.ttl && tx.createdAt <= now + 60_000) {
        entries.push([state, tx]);
      }
    }
    entries.sort((a, b) => a[1].createdAt - b[1].createdAt);
    for (const [state, tx] of entries) result[state] = tx;
    return result;
  }

  private write(req: Request, pending: Pending): void {
    const session = this.session(req);
    const states = Object.keys(pending);
    if (states.length === 0) {
      delete session[this.key];
      return;
    }
    const kept: Pending = {};
    const max = cookieSessionKind(req) ? Math.min(this.max, COOKIE_SESSION_MAX) : this.max;
    for (const state of states.slice(-max)) kept[state] = pending[state] as LoginTransaction;
    session[this.key] = kept;
  }

  /** Starts a login: fresh state, nonce and PKCE verifier, stored as one transaction. */
  begin(req: Request, init: { redirectUri: string; scope: string[]; returnTo?: string | undefined }): StartedLogin {
    const now = Date.now();
    const session = this.session(req);
    // The usual case, no other login pending: nothing to prune or order.
    const pending = session[this.key] === undefined ? {} : this.pending(req);
    const state = randomToken();
    const transaction: LoginTransaction = {
      nonce: randomToken(),
      codeVerifier: randomToken(),
      redirectUri: init.redirectUri,
      scope: [...init.scope],
      createdAt: now,
    };
    if (init.returnTo !== undefined) transaction.returnTo = init.returnTo;
    pending[state] = transaction;
    this.write(req, pending);
    return { state, nonce: transaction.nonce, codeChallenge: pkceChallenge(transaction.codeVerifier), transaction };
  }

  /** Finds and removes the transaction of `state`. A second call with the same state finds nothing. */
  take(req: Request, state: unknown): { transaction: LoginTransaction } | { problem: StateProblem } {
    if (typeof state !== 'string' || state === '') return { problem: 'missing' };
    const session = this.session(req);
    const stored = session[this.key];
    if (!isObject(stored) || !STATE_FORMAT.test(state) || !Object.prototype.hasOwnProperty.call(stored, state)) {
      return { problem: 'unknown' };
    }
    const raw = stored[state];
    // Removed in place; expired neighbours are pruned when the next login begins.
    delete stored[state];
    // Written back, not only changed in place: get/set sessions (@fastify/secure-session) save only what is set.
    if (Object.keys(stored).length === 0) delete session[this.key];
    else session[this.key] = stored;
    if (!isTransaction(raw)) return { problem: 'unknown' };
    if (!(Date.now() - raw.createdAt < this.ttl)) return { problem: 'expired' };
    return { transaction: raw };
  }

  /** Puts pending transactions back, e.g. into a session regenerated at login, keeping the newest `max`. */
  restore(req: Request, pending: Pending): void {
    const merged = { ...pending, ...this.pending(req) };
    const sorted = Object.entries(merged).sort((a, b) => a[1].createdAt - b[1].createdAt);
    this.write(req, Object.fromEntries(sorted));
  }
}
