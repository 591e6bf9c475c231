import { header, type SignInResponse } from './agent';
import { SignInWithRobloxError } from './errors';

/** How {@link authorizeAtEmulator} answers the emulator's consent page, when it shows one. */
export interface ConsentAnswer {
  /** Approve (default) or deny the app's request. */
  decision?: 'approve' | 'deny';
  /** The sub of the user to sign in as; default: the page's first user. */
  user?: string;
  /** Resource checkboxes to clear (e.g. `share:<sub>:creator`); the others are posted checked, as a browser would. */
  uncheck?: string[];
}

/** Options of {@link authorizeAtEmulator}. */
export interface AuthorizeAtEmulatorOptions {
  /** How to answer a consent page. Without it, a consent page is approved as its first user. */
  consent?: ConsentAnswer;
  /** Milliseconds to wait for each answer of the emulator (default 5000). */
  timeout?: number;
}

/** What {@link beginSignIn} returns. */
export interface BegunSignIn<R extends SignInResponse = SignInResponse> {
  /** The app's answer to its login route: a redirect. */
  start: R;
  /** Where the app sent the browser: the provider's authorize endpoint, with the app's request in the query. */
  authorizeURL: URL;
}

/**
 * GETs the app's login route with the agent and returns the authorize URL it redirected to.
 *
 * @throws {@link SignInWithRobloxError} (`step: 'login'`) when the route does not answer with a redirect.
 * @example
 * ```ts
 * const { authorizeURL } = await beginSignIn(request.agent(app), '/auth/roblox');
 * expect(authorizeURL.searchParams.get('scope')).toBe('openid profile');
 * ```
 */
export async function beginSignIn<R extends SignInResponse>(agent: { get(path: string): PromiseLike<R> }, loginPath = '/auth/roblox'): Promise<BegunSignIn<R>> {
  let start: R;
  try {
    start = await agent.get(loginPath);
  } catch (err) {
    throw new SignInWithRobloxError('login', 0, `the request to the app's login route ${pathOnly(loginPath)} failed`, { cause: err });
  }
  const location = header(start, 'location');
  if ((start.status !== 302 && start.status !== 303) || !location) {
    throw new SignInWithRobloxError('login', start.status, `the app's login route ${pathOnly(loginPath)} answered ${start.status} instead of a redirect to the authorize endpoint (is the route mounted with passport.authenticate('roblox')?)`);
  }
  let authorizeURL: URL;
  try {
    authorizeURL = new URL(location);
  } catch {
    throw new SignInWithRobloxError('login', start.status, `the app's login route ${pathOnly(loginPath)} redirected to a relative or malformed URL, not to the authorize endpoint`);
  }
  return { start, authorizeURL };
}

/**
 * Takes the authorize URL to the emulator over real HTTP (no automatic redirects), answers its consent page if it
 * shows one, and returns where the emulator sends the browser back: the app's callback URL with `code` and `state`,
 * or with `error` (e.g. `access_denied` after a denial). Treat that URL as a secret: it carries a live code.
 *
 * @throws {@link SignInWithRobloxError} (`step: 'authorize'` or `'consent'`) when the emulator does not redirect back.
 * @example
 * ```ts
 * const callbackURL = await authorizeAtEmulator(authorizeURL, { consent: { user: '1516563360' } });
 * ```
 */
export async function authorizeAtEmulator(authorizeURL: URL, options: AuthorizeAtEmulatorOptions = {}): Promise<URL> {
  const timeout = options.timeout ?? 5000;
  const res = await send('authorize', authorizeURL, { redirect: 'manual', signal: AbortSignal.timeout(timeout) });
  const body = await res.text().catch(() => '');
  if (res.status !== 200) return redirectTarget('authorize', res.status, res.headers.get('location'), authorizeURL);

  const consent = options.consent ?? {};
  const requestId = /name="request_id" value="([^"]+)"/.exec(body)?.[1];
  const action = /<form method="post" action="([^"]+)"/.exec(body)?.[1];
  const users = [...body.matchAll(/name="user" value="([^"]+)"/g)].map((m) => m[1]);
  if (!requestId || !action) {
    throw new SignInWithRobloxError('authorize', res.status, 'the authorize endpoint answered a page without the consent form (is the app pointed at the emulator?)');
  }
  const user = consent.user ?? users[0];
  if (consent.decision !== 'deny' && (!user || !users.includes(user))) {
    throw new SignInWithRobloxError('consent', res.status, `the consent page offers no user ${consent.user === undefined ? '' : `with sub ${JSON.stringify(consent.user)} `}(see the emulator's users option)`);
  }
  const form = new URLSearchParams({ request_id: requestId, decision: consent.decision ?? 'approve', user: user ?? '' });
  for (const [, name] of body.matchAll(/<input type="checkbox" name="([^"]+)" value="on" checked>/g)) {
    if (name && !consent.uncheck?.includes(name)) form.set(name, 'on');
  }
  const decided = await send('consent', new URL(action.replace(/&amp;/g, '&'), authorizeURL), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal: AbortSignal.timeout(timeout),
  });
  await decided.arrayBuffer().catch(() => undefined);
  return redirectTarget('consent', decided.status, decided.headers.get('location'), authorizeURL);
}

/**
 * Replays the emulator's redirect against the app with the agent (its path and query: the agent is bound to the
 * app), so that the app finishes the login and the agent keeps the signed-in session cookie.
 *
 * @throws {@link SignInWithRobloxError} (`step: 'callback'`) when the request fails before an answer.
 * @example
 * ```ts
 * const res = await finishSignIn(agent, callbackURL);
 * expect(res.status).toBe(302);
 * ```
 */
export async function finishSignIn<R extends SignInResponse>(agent: { get(path: string): PromiseLike<R> }, callbackURL: URL): Promise<R> {
  try {
    return await agent.get(`${callbackURL.pathname}${callbackURL.search}`);
  } catch {
    // No cause attached: the request carried a live code, and a client error may quote what it sent.
    throw new SignInWithRobloxError('callback', 0, `the request to the app's callback ${callbackURL.pathname} failed`);
  }
}

async function send(step: 'authorize' | 'consent', url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    const what = (err as { name?: unknown } | null)?.name === 'TimeoutError' ? 'timed out' : 'failed';
    throw new SignInWithRobloxError(step, 0, `the request to the emulator at ${url.origin}${url.pathname} ${what}`, { cause: err });
  }
}

function redirectTarget(step: 'authorize' | 'consent', status: number, location: string | null, base: URL): URL {
  const where = step === 'authorize' ? `the authorize endpoint ${base.origin}${base.pathname}` : 'the consent decision';
  if ((status !== 302 && status !== 303) || !location) {
    const hint = status === 400 ? ' (an unknown client_id or an unregistered redirect_uri: check the strategy\'s clientID and callbackURL)' : '';
    throw new SignInWithRobloxError(step, status, `${where} answered ${status} instead of a redirect back to the app${hint}`);
  }
  try {
    return new URL(location);
  } catch {
    throw new SignInWithRobloxError(step, status, `${where} redirected to a malformed URL`);
  }
}

/** A path without its query (which may carry a code or state). */
function pathOnly(path: string): string {
  return JSON.stringify(path.split('?')[0]);
}

