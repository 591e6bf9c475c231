import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import session, { MemoryStore } from 'express-session';
import { Passport, type AuthenticateOptions } from 'passport';
import type { RobloxEmulator } from '../../src/emulator';
import { RobloxError, RobloxStrategy, type RobloxStrategyOptionsBase, type RobloxVerify, type RobloxVerifyWithRequest } from '../../src';
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET } from './emulator';

/** The user object the default verify callback produces (stored whole in the session). */
export interface TestUser {
  id: string;
  username?: string;
  displayName: string;
}

/**
 * What the app's error handler saw: the error's class name, code, message (never a stack), the status it answered,
 * the message of its `cause` if it has one (recorded for assertions, never answered), and whether `req.user` was
 * still set when the error arrived.
 */
export interface RecordedError {
  name: string;
  code?: string;
  message: string;
  status: number;
  cause?: string;
  authenticated: boolean;
}

/** Options of {@link createTestApp}. */
export interface TestAppOptions {
  /** The emulator (or any provider) the strategy talks to; its `issuer` is used unless strategyOptions say otherwise. */
  emulator: Pick<RobloxEmulator, 'issuer'>;
  /** Merged over the defaults: the emulator's confidential client, {@link CALLBACK_URL}, the emulator's issuer, timeout 2000 ms. */
  strategyOptions?: Partial<RobloxStrategyOptionsBase> & { passReqToCallback?: boolean };
  /** The verify callback; default: `async (at, rt, profile) => ({ id, username, displayName })`. */
  verify?: RobloxVerify | RobloxVerifyWithRequest;
  /** Extra routes, mounted after the auth routes and before the error handler. */
  routes?: (app: Express, ctx: { strategy: RobloxStrategy; passport: InstanceType<typeof Passport> }) => void;
  /** Options of the callback route, merged over `{ failureRedirect: '/login-failed', failureMessage: true, successReturnToOrRedirect: '/' }`. */
  authenticateOptions?: AuthenticateOptions & Record<string, unknown>;
  /** Options of the login route (`GET /auth/roblox`), e.g. `{ scope, prompt, returnTo }`. */
  loginOptions?: AuthenticateOptions & Record<string, unknown>;
  /** Session cookie settings, merged over express-session's defaults. */
  cookie?: session.CookieOptions;
  /** The session store; default a fresh MemoryStore. */
  sessionStore?: MemoryStore;
  /** Passport's serializeUser; default: the whole user. */
  serializeUser?: (user: Express.User, done: (err: unknown, serialized?: unknown) => void) => void;
}

/** An Express 5 app with a few handles for assertions. */
export type TestApp = Express & {
  strategy: RobloxStrategy;
  passport: InstanceType<typeof Passport>;
  sessionStore: MemoryStore;
  /** Errors that reached the app's error handler, in order. */
  errors: RecordedError[];
};

const defaultVerify = async (_accessToken: string, _refreshToken: string | undefined, profile: { id: string; username?: string; displayName: string }) =>
  ({ id: profile.id, username: profile.username, displayName: profile.displayName }) as TestUser;

/**
 * Builds the app every strategy and middleware integration test uses: express-session (MemoryStore), a private
 * Passport instance with serialize/deserialize of the whole user, and these routes:
 *
 * - `GET /auth/roblox`: starts a login (`loginOptions`);
 * - `GET /auth/roblox/callback`: finishes it (failureRedirect `/login-failed` with failureMessage,
 *   successReturnToOrRedirect `/`);
 * - `GET /login-failed`: `{ messages }` (the session's failure messages) as JSON;
 * - `GET /me`: `{ authenticated, user, sessionID, session }` as JSON (tokens included: test only!);
 * - whatever `routes` adds; then an error handler answering `err.status ?? 500` with
 *   `{ error: { name, code, message } }` and recording it in `app.errors`.
 *
 * @example
 * ```ts
 * const app = createTestApp({ emulator: emu, routes: (app, { strategy }) => app.get('/api', refreshTokens({ client: strategy.client }), handler) });
 * const agent = request.agent(app);
 * await login(agent, emu);
 * ```
 */
export function createTestApp(options: TestAppOptions): TestApp {
  const passport = new Passport();
  const strategyOptions = {
    clientID: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    callbackURL: CALLBACK_URL,
    issuer: options.emulator.issuer,
    timeout: 2000,
    ...options.strategyOptions,
  };
  const strategy = new (RobloxStrategy as unknown as new (o: unknown, v: unknown) => RobloxStrategy)(
    strategyOptions,
    options.verify ?? defaultVerify,
  );
  passport.use(strategy);
  passport.serializeUser(options.serializeUser ?? ((user, done) => done(null, user)));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const sessionStore = options.sessionStore ?? new MemoryStore();
  const app = express() as TestApp;
  app.set('query parser', 'simple');
  app.use(session({
    secret: 'test-session-secret',
    resave: false,
    saveUninitialized: false,
    store: sessionStore,
    cookie: { sameSite: 'lax', httpOnly: true, ...options.cookie },
  }));
  app.use(passport.initialize());
  app.use(passport.session());

  const callbackPath = new URL(strategyOptions.callbackURL).pathname;
  app.get('/auth/roblox', passport.authenticate('roblox', { ...options.loginOptions }));
  app.get(callbackPath, passport.authenticate('roblox', {
    failureRedirect: '/login-failed',
    failureMessage: true,
    successReturnToOrRedirect: '/',
    ...options.authenticateOptions,
  }));
  app.get('/login-failed', (req, res) => {
    res.json({ messages: (req.session as unknown as { messages?: string[] }).messages ?? [] });
  });
  app.get('/me', (req: Request, res) => {
    res.json({ authenticated: req.isAuthenticated(), user: req.user ?? null, sessionID: req.sessionID, session: req.session });
  });
  options.routes?.(app, { strategy, passport });

  const errors: RecordedError[] = [];
  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const e = (err ?? {}) as { name?: string; code?: unknown; message?: string; status?: unknown; cause?: unknown };
    // Provider errors carry the status an app should answer with (502, 504); the provider's own is providerStatus.
    const own = typeof e.status === 'number' && e.status >= 400 && e.status < 600;
    const status = own ? (e.status as number) : 500;
    const recorded: RecordedError = { name: e.name ?? 'Error', message: e.message ?? String(err), status, authenticated: req.user != null };
    if (typeof e.code === 'string') recorded.code = e.code;
    if (e.cause instanceof Error) recorded.cause = e.cause.message;
    errors.push(recorded);
    res.status(status).json({ error: { name: recorded.name, code: recorded.code, message: recorded.message } });
  };
  app.use(onError);

  return Object.assign(app, { strategy, passport, sessionStore, errors });
}
