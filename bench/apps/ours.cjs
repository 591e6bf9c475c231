'use strict';
// Contender 1: passport-roblox-oidc's RobloxStrategy on express 5 + express-session (MemoryStore) + passport.
// The same strategy and routes on node:http, without express: ours-http.cjs.
// Also serves the refreshTokens() benchmark: /plain, /fresh and /noop are the same trivial route, bare, with
// refreshTokens(), and with a no-op middleware (the control).
const http = require('node:http');
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const { refreshTokens, SESSION_TOKENS_KEY } = require('passport-roblox-oidc');
const shared = require('./shared.cjs');

try {
  const app = express();
  app.disable('x-powered-by');
  app.use(session(shared.sessionOptions()));

  const passport = new Passport();
  const strategy = shared.robloxStrategy();
  passport.use(strategy);
  shared.mountLogin(app, passport);

  const requireLogin = (req, res, next) => (req.user ? next() : res.status(401).send('sign in first'));
  let sample; // a TokenSet as refreshTokens() last set it, for the in-process measurement below
  const trivial = (req, res) => {
    if (req.robloxTokens) sample = req.robloxTokens;
    res.json({ id: req.user.id, expiresAt: (req.robloxTokens ?? req.session[SESSION_TOKENS_KEY]).expiresAt });
  };
  app.get('/plain', requireLogin, trivial);
  app.get('/fresh', requireLogin, refreshTokens({ client: strategy.client }), trivial);
  // The control: one more middleware that does nothing, measured like /fresh (what an extra layer alone costs).
  app.get('/noop', requireLogin, (req, res, next) => next(), trivial);
  // Bench-only: make the stored access token look expired, so that the next /fresh requests need a refresh.
  app.post('/bench/expire-tokens', requireLogin, (req, res, next) => {
    const tokens = req.session[SESSION_TOKENS_KEY];
    if (!tokens) return res.status(409).send('no tokens in the session');
    tokens.expiresAt = Date.now() - 1000;
    req.session.save((err) => (err ? next(err) : res.json({ expiresAt: tokens.expiresAt })));
  });

  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, _next) => {
    console.error(`[ours] ${err.name}${err.code ? ` (${err.code})` : ''}: ${err.message}`);
    res.status(500).send(`error ${err.code ?? err.name}`);
  });

  /**
   * The own cost of refreshTokens() with a fresh token, without HTTP: the middleware called directly on
   * request-like objects whose session holds a copy of a real TokenSet, against a no-op middleware called the same
   * way. CPU ns per call (process.cpuUsage), medians of alternating batches. Run between HTTP runs only.
   */
  const microRefresh = async (iterations = 100_000, batches = 5) => {
    if (!sample) throw new Error('no TokenSet seen yet: request /fresh first');
    const middleware = refreshTokens({ client: strategy.client });
    const noop = (req, res, next) => next();
    const make = () => ({ session: { [SESSION_TOKENS_KEY]: { ...sample, scope: [...sample.scope] }, save: (cb) => cb() } });
    const call = (fn) => new Promise((resolve, reject) => fn(make(), {}, (err) => (err ? reject(err) : resolve())));
    const batch = async (fn, n) => {
      const t0 = process.cpuUsage();
      for (let i = 0; i < n; i++) await call(fn);
      const d = process.cpuUsage(t0);
      return ((d.user + d.system) * 1000) / n;
    };
    await batch(noop, iterations / 5);
    await batch(middleware, iterations / 5);
    const base = [];
    const mw = [];
    for (let b = 0; b < batches; b++) {
      if (b % 2) {
        mw.push(await batch(middleware, iterations));
        base.push(await batch(noop, iterations));
      } else {
        base.push(await batch(noop, iterations));
        mw.push(await batch(middleware, iterations));
      }
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    return { baselineNs: med(base), middlewareNs: med(mw), iterations, batches };
  };

  shared.serve(http.createServer(app), 'ours', { microRefresh });
} catch (err) {
  shared.fatal(err);
}
