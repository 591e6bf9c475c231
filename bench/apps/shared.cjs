'use strict';
const session = require('express-session');
// What the contender apps share, so that they differ only in how they do the login: configuration from the
// orchestrator, identical express-session and passport settings, the same pages, the same RobloxStrategy setup
// for ours and ours-http, and the IPC protocol. The node:http apps' server and middleware chain: http-harness.cjs.

/** The app's configuration, from the environment set by bench/run.mjs. */
function config() {
  const port = Number(process.env.BENCH_APP_PORT);
  return {
    port,
    issuer: process.env.BENCH_ISSUER,
    clientID: process.env.BENCH_CLIENT_ID,
    clientSecret: process.env.BENCH_CLIENT_SECRET,
    callbackURL: `http://127.0.0.1:${port}/auth/roblox/callback`,
  };
}

// The app's MemoryStore, emptied between measured runs (see `settle` below) so that every run starts alike.
const store = new session.MemoryStore();

/** express-session options: MemoryStore, no resave, no empty sessions, the usual cookie flags. */
function sessionOptions() {
  return {
    store,
    name: 'bench.sid',
    secret: 'bench-session-secret-not-for-production',
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  };
}

/** The user kept in the session: small, the same for every contender. */
function serializeUser(user, done) {
  done(null, { id: user.id, username: user.username, displayName: user.displayName });
}

function deserializeUser(user, done) {
  done(null, user);
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The landing page; the load generator checks for `signed in as <b>ID</b>`. */
/** Serialization and passport's middleware on an express app, the same for every express contender. */
function mountPassport(app, passport) {
  passport.serializeUser(serializeUser);
  passport.deserializeUser(deserializeUser);
  app.use(passport.initialize());
  app.use(passport.session());
}

/**
 * Passport on an express app and the login routes every express contender of ours serves: the home page, the login,
 * the callback and the failure page.
 */
function mountLogin(app, passport) {
  mountPassport(app, passport);
  app.get('/', (req, res) => res.send(homePage(req.user)));
  app.get('/auth/roblox', passport.authenticate('roblox'));
  app.get('/auth/roblox/callback', passport.authenticate('roblox', { ...CALLBACK_OPTIONS }));
  app.get('/login-failed', (req, res) => res.status(401).send(loginFailedPage(req)));
}

function homePage(user) {
  return user ? `<!doctype html><title>bench</title><p>signed in as <b>${escape(user.id)}</b></p>` : '<!doctype html><title>bench</title><p>signed out</p>';
}

/** The page of passport's failureRedirect (with failureMessage: the last message in the session). */
function loginFailedPage(req) {
  const messages = (req.session && req.session.messages) || [];
  return `login failed: ${escape(messages.slice(-1)[0] ?? 'no message')}`;
}

/** RobloxStrategy as ours (express) and ours-http (node:http) both configure it: the same options and verify. */
function robloxStrategy() {
  const { RobloxStrategy } = require('passport-roblox-oidc');
  const cfg = config();
  return new RobloxStrategy(
    { clientID: cfg.clientID, clientSecret: cfg.clientSecret, callbackURL: cfg.callbackURL, issuer: cfg.issuer, scope: ['openid', 'profile'] },
    (accessToken, refreshToken, profile, done) => done(null, { id: profile.id, username: profile.username, displayName: profile.displayName }),
  );
}

/** passport.authenticate('roblox', …) options of ours' and ours-http's callback route. */
const CALLBACK_OPTIONS = Object.freeze({ successRedirect: '/', failureRedirect: '/login-failed', failureMessage: true });

/** A TokenSet-shaped record of a token response, stored in the session as the library does. */
function tokenSet(body, fallbackScope) {
  const tokens = {
    accessToken: body.access_token,
    tokenType: 'Bearer',
    scope: typeof body.scope === 'string' ? body.scope.split(' ').filter(Boolean) : [...fallbackScope],
    expiresAt: Date.now() + Number(body.expires_in) * 1000,
  };
  if (body.refresh_token) tokens.refreshToken = body.refresh_token;
  if (body.id_token) tokens.idToken = body.id_token;
  return tokens;
}

const methods = {
  // The process's own CPU time: a fallback where /proc is missing.
  cpuUsage: () => process.cpuUsage(),
  // What the sessions hold: how many have a signed-in user and how many a TokenSet (the same work done by all).
  sessions: () =>
    new Promise((resolve, reject) => {
      store.all((err, sessions) => {
        if (err) return reject(err);
        const all = Object.values(sessions ?? {});
        resolve({
          total: all.length,
          user: all.filter((s) => s.passport && s.passport.user && s.passport.user.id).length,
          tokens: all.filter((s) => s.robloxTokens && s.robloxTokens.accessToken && s.robloxTokens.idToken).length,
        });
      });
    }),
  // Between measured runs, never during one: forget every session (the previous run's logins) and collect garbage
  // (when started with --expose-gc), so that each run starts from the same state.
  settle: () =>
    new Promise((resolve) => {
      store.clear(() => {
        if (global.gc) global.gc();
        resolve(null);
      });
    }),
};

/**
 * Listens on the configured port and tells the parent it is ready. Handles the parent's IPC: `cpuUsage`,
 * `settle`, the app's own `extraMethods`, and `{ type: 'exit' }` (a clean exit, so that --cpu-prof writes its
 * profile).
 */
function serve(server, name, extraMethods = {}) {
  const { port } = config();
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  process.on('message', (msg) => {
    if (msg && msg.type === 'exit') {
      server.close();
      process.exit(0);
    }
    if (msg && msg.id !== undefined) {
      const fn = extraMethods[msg.method] ?? methods[msg.method];
      if (!fn) return process.send({ id: msg.id, error: `unknown method ${msg.method}` });
      Promise.resolve()
        .then(() => fn(...(msg.args ?? [])))
        .then((result) => process.send({ id: msg.id, result }), (err) => process.send({ id: msg.id, error: String(err) }));
    }
  });
  process.on('disconnect', () => process.exit(0));
  server.listen(port, '127.0.0.1', () => process.send({ type: 'ready', name, port, pid: process.pid }));
}

/** Reports a startup failure to the parent and exits. */
function fatal(err) {
  if (process.send) process.send({ type: 'fatal', error: err && err.stack ? err.stack : String(err) });
  process.exit(1);
}

module.exports = {
  config, sessionOptions, serializeUser, deserializeUser, mountPassport, mountLogin, homePage, loginFailedPage, robloxStrategy, CALLBACK_OPTIONS, tokenSet, serve, fatal,
};
