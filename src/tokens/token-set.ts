import type { Request } from 'express';
import { cookieSessionKind, sessionOf } from './session';
import { RobloxConfigurationError, RobloxResponseError } from '../errors';
import { isObject } from './is-object';

/**
 * The tokens of one user's grant. `expiresAt` is when the access token expires, in ms since the epoch.
 * Roblox refresh tokens are single-use: after a refresh, only the new `refreshToken` is valid.
 */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  tokenType: 'Bearer';
  scope: string[];
  expiresAt: number;
}

/**
 * Where a user's TokenSet lives between requests. The default, {@link SessionTokenStore}, keeps it in the
 * session; implement this to keep tokens in a database instead (e.g. keyed by `req.user.id`).
 * Methods may be synchronous or return promises.
 *
 * @example
 * ```ts
 * const dbStore: TokenStore = {
 *   get: (req) => db.tokens.find((req.user as User).id),
 *   set: (req, tokens) => db.tokens.upsert((req.user as User).id, tokens),
 *   delete: (req) => db.tokens.remove((req.user as User).id),
 * };
 * ```
 */
export interface TokenStore {
  /** The request's stored TokenSet, or undefined when none is stored. */
  get(req: Request): TokenSet | undefined | Promise<TokenSet | undefined>;
  /**
   * Stores the request's TokenSet, replacing the previous one. `previous`, when given, is the set this request
   * read and now replaces (after a refresh): a store shared by several instances should write only while it still
   * holds that set (compare-and-set), so that stored tokens never go back to an older set. At login it is absent:
   * the new set replaces whatever is stored. Stores that ignore it stay correct within one process.
   */
  set(req: Request, tokens: TokenSet, previous?: TokenSet): void | Promise<void>;
  /**
   * Forgets the request's TokenSet. `expected`, when given, is the set Roblox refused: a store shared by several
   * instances should forget only while it still holds that set, never a newer one stored by another instance.
   * Absent (logout, unlinking): forget whatever is stored.
   */
  delete(req: Request, expected?: TokenSet): void | Promise<void>;
}

/** Session key under which {@link SessionTokenStore} keeps the TokenSet. */
export const SESSION_TOKENS_KEY = 'robloxTokens';

/**
 * The default TokenStore: the TokenSet in `req.session.robloxTokens` (express-session, @fastify/session, or any
 * session middleware whose session lives server-side). Refuses cookie-held sessions (cookie-session,
 * @fastify/secure-session) with a RobloxConfigurationError naming the fix: use a server-side store there.
 */
export class SessionTokenStore implements TokenStore {
  constructor(private readonly key: string = SESSION_TOKENS_KEY) {}

  /** The TokenSet in the session, or undefined when there is none (or it is not a TokenSet). */
  get(req: Request): TokenSet | undefined {
    const value = sessionOf(req)?.[this.key];
    return isTokenSet(value) ? value : undefined;
  }

  /** Puts the TokenSet in the session; throws a RobloxConfigurationError when there is no session. */
  set(req: Request, tokens: TokenSet): void {
    const session = sessionOf(req);
    if (!session) throw new RobloxConfigurationError('SessionTokenStore needs session middleware (express-session) before passport');
    const kind = cookieSessionKind(req);
    if (kind) {
      // Roblox's tokens are about 2 KB together: in a cookie they leave little room, and a cookie past 4 KB is dropped silently.
      throw new RobloxConfigurationError(
        `SessionTokenStore will not put Roblox tokens in a ${kind} cookie: pass a server-side store as the tokenStore ` +
          'option of RobloxStrategy and the store option of every middleware (MemoryTokenStore in development, ' +
          'a Redis or database TokenStore in production; see docs/sessions.md)',
      );
    }
    session[this.key] = tokens;
  }

  /** Removes the TokenSet from the session. */
  delete(req: Request): void {
    const session = sessionOf(req);
    if (session) delete session[this.key];
  }
}

/** The longest token accepted from a provider or a store (Roblox's are about 1 KB each). */
export const MAX_TOKEN_LENGTH = 16_384;

/** The longest `expires_in` accepted, in seconds (one year; Roblox's access tokens live 15 minutes). */
export const MAX_EXPIRES_IN = 31_536_000;

const VSCHAR = /^[\x20-\x7e]+$/;

/**
 * True for a token as RFC 6749 defines it (1*VSCHAR: printable ASCII, so it can go into an HTTP header and a
 * form), at most {@link MAX_TOKEN_LENGTH} characters.
 */
export function isTokenString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_TOKEN_LENGTH && VSCHAR.test(value);
}

/** True for a value shaped like a TokenSet (as read back from a session or database). */
export function isTokenSet(value: unknown): value is TokenSet {
  return (
    isObject(value) &&
    isTokenString(value.accessToken) &&
    value.tokenType === 'Bearer' &&
    typeof value.expiresAt === 'number' &&
    Number.isFinite(value.expiresAt) &&
    Array.isArray(value.scope) &&
    value.scope.every((s) => typeof s === 'string') &&
    (value.refreshToken === undefined || isTokenString(value.refreshToken)) &&
    (value.idToken === undefined || isTokenString(value.idToken))
  );
}

/**
 * Builds a TokenSet from a token endpoint response. `token_type` must be Bearer; `access_token`, and
 * `refresh_token` and `id_token` when present, must be tokens (printable ASCII, bounded); `expires_in` a positive
 * integer of at most {@link MAX_EXPIRES_IN} seconds; `scope` falls back to the requested scope when the provider
 * omits it. Anything else is a RobloxResponseError (HTTP 502 for the app), whose message names the field only.
 */
export function tokenSetFromResponse(body: unknown, fallbackScope: string[] = [], now: number = Date.now()): TokenSet {
  const bad = (why: string) => new RobloxResponseError(`The token endpoint answered ${why}`, 200);
  if (!isObject(body)) throw bad('a body that is not a JSON object');
  if (!isTokenString(body.access_token)) throw bad(body.access_token === undefined ? 'no access_token' : 'an access_token that is not a token (printable ASCII, bounded)');
  if (typeof body.token_type !== 'string' || body.token_type.toLowerCase() !== 'bearer') throw bad('a token_type other than Bearer');
  const expiresIn = expiresInOf(body.expires_in);
  if (expiresIn === undefined) throw bad(`no valid expires_in (a positive integer of at most ${MAX_EXPIRES_IN} seconds)`);
  if (body.refresh_token !== undefined && !isTokenString(body.refresh_token)) throw bad('a refresh_token that is not a token (printable ASCII, bounded)');
  if (body.id_token !== undefined && !isTokenString(body.id_token)) throw bad('an id_token that is not a token (printable ASCII, bounded)');
  if (body.scope !== undefined && typeof body.scope !== 'string') throw bad('a scope that is not a string');
  const tokens: TokenSet = {
    accessToken: body.access_token,
    tokenType: 'Bearer',
    scope: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [...fallbackScope],
    expiresAt: now + expiresIn * 1000,
  };
  if (body.refresh_token !== undefined) tokens.refreshToken = body.refresh_token;
  if (body.id_token !== undefined) tokens.idToken = body.id_token;
  return tokens;
}

/** `expires_in` as a number of seconds: a positive integer (a JSON number, or its digits as a string), bounded. */
function expiresInOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]{1,12}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 && n <= MAX_EXPIRES_IN ? n : undefined;
}
