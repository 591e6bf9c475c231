import type { RobloxEmulator } from '../emulator/types';
import { header, isAgent, supertestAgentFor, type SignInAgent, type SignInApp, type SignInResponse, type SupertestAgentLike } from './agent';
import { SignInWithRobloxError } from './errors';
import { authorizeAtEmulator, beginSignIn, finishSignIn, type ConsentAnswer } from './steps';

/** The emulator a test signs in with: the object `createRobloxEmulator()` returned, or the issuer of one running elsewhere. */
export type SignInEmulator = Pick<RobloxEmulator, 'issuer'> & Partial<Pick<RobloxEmulator, 'autoApprove'>>;

/** Options of {@link signInWithRoblox}. */
export interface SignInWithRobloxOptions {
  /** The emulator the app's strategy points at (its `issuer`), or that emulator's issuer URL. */
  emulator: SignInEmulator | string;
  /**
   * The sub of the emulator user to sign in as. Default: whoever the emulator approves as (its first user with
   * `autoApprove: true`). With another user, the emulator's consent page is shown and answered as that user.
   */
  user?: string;
  /** Scopes the app must request; the sign-in fails at `step: 'login'` when the app's authorize URL lacks one. */
  scopes?: string[];
  /** The app's login route, query included (default `/auth/roblox`). */
  loginPath?: string;
  /** Resource checkboxes of the consent page to clear, e.g. `share:<sub>:creator` (the consent page is then shown). */
  uncheck?: string[];
  /**
   * Where the app sends a failed login (its `failureRedirect`, e.g. `/login`): a callback redirecting there fails
   * the sign-in at `step: 'callback'`. Any callback answering 400 or more fails it too.
   */
  failureRedirect?: string;
  /** Milliseconds to wait for each of the emulator's answers (default 5000). */
  timeout?: number;
}

/** What {@link signInWithRobloxDetailed} returns: the signed-in agent and the app's answer to the callback. */
export interface SignInWithRobloxResult<A> {
  /** The agent, now holding the app's signed-in session cookie. */
  agent: A;
  /** The app's answer to its callback (usually a redirect to its success page). */
  response: SignInResponse;
  /** `response`'s Location header, if it redirected. */
  location: string | undefined;
}

/**
 * Signs a test user in to the app through its real login route, the emulator's authorize endpoint (and consent page
 * when one is needed) and the app's callback, over real HTTP, and returns the agent holding the signed-in session.
 * Pass an agent of your own (e.g. supertest's `request.agent(app)`, whose type is then kept), or an app: supertest
 * (an optional peer dependency) then makes the agent, typed loosely as {@link SupertestAgentLike} unless you name
 * its type (`signInWithRoblox<TestAgent>(app, …)` with `import type { Agent as TestAgent } from 'supertest'`).
 *
 * @throws {@link SignInWithRobloxError} naming the step that failed and the status answered there.
 * @example
 * ```ts
 * import request from 'supertest';
 * import { createRobloxEmulator } from 'passport-roblox-oidc/emulator';
 * import { signInWithRoblox } from 'passport-roblox-oidc/testing';
 *
 * const emulator = await createRobloxEmulator({ port: 0, autoApprove: true });
 * const app = createApp({ issuer: emulator.issuer });          // your app, its strategy pointed at the emulator
 * const agent = await signInWithRoblox(request.agent(app), { emulator });
 * await agent.get('/account').expect(200);
 * await emulator.close();
 * ```
 */
export async function signInWithRoblox<A = SupertestAgentLike>(app: SignInApp, options: SignInWithRobloxOptions): Promise<A>;
export async function signInWithRoblox<A extends SignInAgent>(agent: A, options: SignInWithRobloxOptions): Promise<A>;
export async function signInWithRoblox(target: SignInAgent | SignInApp, options: SignInWithRobloxOptions): Promise<unknown> {
  return (await signInWithRobloxDetailed(target as SignInAgent, options)).agent;
}

/**
 * {@link signInWithRoblox}, returning the app's answer to its callback too (to assert where it redirected).
 *
 * @example
 * ```ts
 * const { agent, location } = await signInWithRobloxDetailed(request.agent(app), { emulator, loginPath: '/auth/roblox?returnTo=/shop' });
 * expect(location).toBe('/shop');
 * ```
 */
export async function signInWithRobloxDetailed<A = SupertestAgentLike>(app: SignInApp, options: SignInWithRobloxOptions): Promise<SignInWithRobloxResult<A>>;
export async function signInWithRobloxDetailed<A extends SignInAgent>(agent: A, options: SignInWithRobloxOptions): Promise<SignInWithRobloxResult<A>>;
export async function signInWithRobloxDetailed(target: SignInAgent | SignInApp, options: SignInWithRobloxOptions): Promise<SignInWithRobloxResult<unknown>> {
  if (!options || typeof options !== 'object' || !options.emulator) {
    throw new SignInWithRobloxError('login', 0, 'requires an emulator option (the emulator, or its issuer URL)');
  }
  let issuer: URL;
  try {
    issuer = new URL(typeof options.emulator === 'string' ? options.emulator : options.emulator.issuer);
  } catch {
    throw new SignInWithRobloxError('login', 0, 'the emulator option must be the emulator or its issuer URL (emulator.issuer)');
  }
  const agent = isAgent(target) ? target : supertestAgentFor(target as SignInApp);

  const { authorizeURL } = await beginSignIn(agent, options.loginPath);
  if (authorizeURL.origin !== issuer.origin || !authorizeURL.pathname.startsWith(issuer.pathname)) {
    throw new SignInWithRobloxError('login', 302, `the app's login route redirected to ${authorizeURL.origin}${authorizeURL.pathname}, not to the emulator at ${issuer.href} (point the strategy's issuer option at emulator.issuer)`);
  }
  const requested = (authorizeURL.searchParams.get('scope') ?? '').split(' ');
  const missing = (options.scopes ?? []).filter((s) => !requested.includes(s));
  if (missing.length > 0) {
    throw new SignInWithRobloxError('login', 302, `the app did not request the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }

  const consent: ConsentAnswer = { decision: 'approve' };
  if (options.user !== undefined) consent.user = options.user;
  if (options.uncheck !== undefined) consent.uncheck = options.uncheck;
  const emulator = typeof options.emulator === 'string' ? undefined : options.emulator;
  const timeout = options.timeout ?? 5000;
  const authorize = () => authorizeAtEmulator(authorizeURL, { consent, timeout });
  const callbackURL = emulator && 'autoApprove' in emulator
    ? await takingTurns(emulator, () => {
        // Decided inside the turn: another sign-in may have the consent page on just now.
        const approvesAs = emulator.autoApprove;
        const needsPage = options.uncheck !== undefined || (options.user !== undefined && approvesAs !== options.user);
        return needsPage && approvesAs !== false ? withConsentPage(emulator, authorize) : authorize();
      })
    : await authorize();

  const oauthError = callbackURL.searchParams.get('error');
  if (oauthError !== null) {
    const code = /^[a-z_]{1,64}$/.test(oauthError) ? oauthError : 'invalid';
    throw new SignInWithRobloxError('authorize', 302, `the emulator redirected back with the OAuth error ${code}`, { oauthError: code });
  }
  const response = await finishSignIn(agent, callbackURL);
  const location = header(response, 'location');
  if (response.status >= 400) {
    throw new SignInWithRobloxError('callback', response.status, `the app's callback ${callbackURL.pathname} answered ${response.status}`);
  }
  if (options.failureRedirect !== undefined && location !== undefined && samePath(location, options.failureRedirect)) {
    throw new SignInWithRobloxError('callback', response.status, `the app's callback redirected to its failureRedirect ${JSON.stringify(options.failureRedirect)}: the app refused the login`);
  }
  return { agent, response, location };
}

const turns = new WeakMap<object, Promise<unknown>>();

/**
 * Runs the authorize step of sign-ins on one in-process emulator one at a time, so that a sign-in that shows the
 * consent page (by turning `autoApprove` off for its request) never changes what a concurrent one gets.
 */
function takingTurns<T>(emulator: object, step: () => Promise<T>): Promise<T> {
  const run = (turns.get(emulator) ?? Promise.resolve()).catch(() => undefined).then(step);
  turns.set(emulator, run);
  return run;
}

/** Runs `step` while the emulator shows its consent page instead of auto-approving; `autoApprove` is restored after. */
async function withConsentPage<T>(emulator: SignInEmulator, step: () => Promise<T>): Promise<T> {
  const saved = emulator.autoApprove as RobloxEmulator['autoApprove'];
  emulator.autoApprove = false;
  try {
    return await step();
  } finally {
    emulator.autoApprove = saved;
  }
}

function samePath(location: string, path: string): boolean {
  try {
    const base = 'http://app.invalid';
    return new URL(location, base).pathname === new URL(path, base).pathname;
  } catch {
    return false;
  }
}
