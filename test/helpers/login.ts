import request, { type Response } from 'supertest';
import type { RobloxEmulator } from '../../src/emulator';
import { authorizeAtEmulator, beginSignIn, finishSignIn, type ConsentAnswer } from '../../src/testing';

/** A supertest agent: keeps the app's session cookie between requests. */
export type Agent = ReturnType<typeof request.agent>;

/** How {@link authorizeAt} answers a consent page (when the emulator does not auto-approve). */
export interface ConsentChoice extends ConsentAnswer {
  decision: 'approve' | 'deny';
  /** The sub of the user to approve as; default: the first user listed. */
  user?: string;
  /** Resource checkboxes to clear (e.g. `share:<sub>:creator`); the rest are posted checked, as a browser would. */
  uncheck?: string[];
}

/** Options of {@link login}. */
export interface LoginOptions {
  /** The app's login route, query included; default `/auth/roblox` (e.g. `/auth/roblox?returnTo=/x`). */
  path?: string;
  /** Answer the consent page this way if the emulator shows one. */
  consent?: ConsentChoice;
  /** Set false to stop after the provider redirected back, without calling the app's callback. Default true. */
  finish?: boolean;
}

/** What a login went through. */
export interface LoginResult {
  /** The app's answer to the login route (a 302 to the authorize endpoint). */
  start: Response;
  /** The authorization URL the app redirected to. */
  authorizeURL: URL;
  /** Where the provider sent the browser back: the app's callback URL with `code`/`state` or `error`. */
  callbackURL: URL;
  /** `callbackURL`'s path and query, to replay with an agent. */
  callbackPath: string;
  state: string | null;
  code: string | null;
  /** The app's answer to the callback (absent with `finish: false`). */
  callback?: Response;
  /** `callback`'s Location header, if it redirected. */
  location?: string;
}

/** GETs the app's login route with the agent; expects a 302 and returns the authorization URL. */
export function beginLogin(agent: Agent, path = '/auth/roblox'): Promise<{ start: Response; authorizeURL: URL }> {
  return beginSignIn(agent, path);
}

/**
 * Follows the authorization URL at the provider over real HTTP (fetch, no automatic redirects), answering
 * a consent page if asked to, and returns where the provider redirects the browser. Built on the published
 * `authorizeAtEmulator` (passport-roblox-oidc/testing), so the tests exercise the same code users' tests run.
 */
export function authorizeAt(authorizeURL: URL, consent?: ConsentChoice): Promise<URL> {
  return authorizeAtEmulator(authorizeURL, consent ? { consent } : {});
}

/** Replays the provider's redirect against the app with the agent (so the session cookie is sent and updated). */
export function finishLogin(agent: Agent, callbackURL: URL): Promise<Response> {
  return finishSignIn(agent, callbackURL);
}

/**
 * Drives a complete login over real HTTP: the app's login route (agent) → the provider's authorize endpoint
 * (fetch; the emulator must auto-approve, or pass `consent`) → the app's callback (agent), so that the agent
 * ends up with the logged-in session cookie.
 *
 * @example
 * ```ts
 * const agent = request.agent(createTestApp({ emulator: emu }));
 * const { callback, location } = await login(agent, emu);
 * expect(location).toBe('/');
 * ```
 */
export async function login(agent: Agent, _emulator?: Pick<RobloxEmulator, 'issuer'>, options: LoginOptions = {}): Promise<LoginResult> {
  const { start, authorizeURL } = await beginLogin(agent, options.path);
  const callbackURL = await authorizeAt(authorizeURL, options.consent);
  const result: LoginResult = {
    start,
    authorizeURL,
    callbackURL,
    callbackPath: `${callbackURL.pathname}${callbackURL.search}`,
    state: callbackURL.searchParams.get('state'),
    code: callbackURL.searchParams.get('code'),
  };
  if (options.finish === false) return result;
  result.callback = await finishLogin(agent, callbackURL);
  const location = result.callback.headers.location as string | undefined;
  if (location !== undefined) result.location = location;
  return result;
}

/** The id of the session the agent's cookie names, read through `GET /me` (a fresh, unsaved id when it has none). */
export async function sessionIdOf(agent: Agent): Promise<string | undefined> {
  const me = await agent.get('/me');
  return (me.body as { sessionID?: string }).sessionID;
}
