import type { Request } from 'express';
import { sessionOf, storedSession } from './session';
import { RobloxConfigurationError, RobloxCoordinationError } from '../errors';
import { isTokenSet, SessionTokenStore, type TokenSet, type TokenStore } from './token-set';


/**
 * Reads, writes and clears a request's TokenSet through a TokenStore. With the session store, writes are
 * followed by an awaited `req.session.save()` so that the rotated refresh token is stored before the
 * request goes on (and before any response is sent).
 *
 * @example
 * ```ts
 * const access = new TokenAccess('refreshTokens', options.store);
 * const tokens = await access.load(req);   // undefined: none, or not a usable TokenSet (then cleared)
 * await access.save(req, rotated);
 * ```
 */
export class TokenAccess {
  readonly store: TokenStore;
  private readonly sessionBacked: boolean;

  constructor(private readonly owner: string, store: TokenStore | undefined) {
    this.store = store ?? new SessionTokenStore();
    this.sessionBacked = this.store instanceof SessionTokenStore;
  }

  /** The stored TokenSet; anything not shaped like one (a corrupt session value) counts as none and is cleared. */
  async load(req: Request): Promise<TokenSet | undefined> {
    if (this.sessionBacked && !sessionOf(req)) {
      throw new RobloxConfigurationError(
        `${this.owner} found no req.session: add session middleware (express-session) before it, or pass a store option`,
      );
    }
    const value: unknown = await this.store.get(req);
    if (isTokenSet(value)) return value;
    if (value !== undefined || this.sessionBacked) await this.store.delete(req);
    return undefined;
  }

  /**
   * The stored TokenSet when the store can answer synchronously (the session store), without clearing a
   * corrupt value; `null` when it cannot answer so (a custom store): use {@link load} then.
   */
  peek(req: Request): TokenSet | undefined | null {
    if (!this.sessionBacked || !sessionOf(req)) return null;
    const value: unknown = (this.store as SessionTokenStore).get(req);
    return isTokenSet(value) ? value : null;
  }

  /**
   * The stored TokenSet as the store holds it now, for a second look after Roblox refused a refresh token:
   * a session that can reload (express-session) is read again from the session store first, since another
   * process sharing that store may have saved a newer set after this request loaded the session. A session
   * gone from the store leaves the request's copy as it was. A session store that cannot be read (an outage)
   * rejects with {@link RobloxCoordinationError}: without that second look, clearing the tokens could erase the
   * grant's only live refresh token, so nothing is cleared.
   */
  async reread(req: Request): Promise<TokenSet | undefined> {
    const session = sessionOf(req);
    if (this.sessionBacked && typeof session?.reload === 'function') {
      const outage = (cause: unknown) =>
        new RobloxCoordinationError(`${this.owner} could not read the session store to check for newer tokens; the tokens were kept`, { cause });
      // Asked first, so that an outage (an error) is told apart from a session that is gone (null).
      const stored = await storedSession(req).catch((err: unknown) => {
        throw outage(err);
      });
      const exists = stored !== null;
      if (exists) {
        await new Promise<void>((resolve, reject) => session.reload?.((err?: unknown) => (err ? reject(outage(err)) : resolve())));
      }
    }
    return this.load(req);
  }

  /**
   * Stores a TokenSet (and saves the session). `previous`: the stored set it replaces, for stores that
   * compare before they write (see {@link TokenStore.set}).
   */
  async save(req: Request, tokens: TokenSet, previous?: TokenSet): Promise<void> {
    await this.store.set(req, tokens, previous);
    await this.saveSession(req);
  }

  /**
   * Forgets the request's tokens (and saves the session). `refused`: the set Roblox refused, so that a store
   * shared by several instances keeps a newer one (see {@link TokenStore.delete}).
   */
  async clear(req: Request, refused?: TokenSet): Promise<void> {
    await this.store.delete(req, refused);
    await this.saveSession(req);
  }

  private async saveSession(req: Request): Promise<void> {
    const session = sessionOf(req);
    if (!this.sessionBacked || typeof session?.save !== 'function') return;
    await new Promise<void>((resolve, reject) => {
      session.save?.((err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()));
    });
  }
}
