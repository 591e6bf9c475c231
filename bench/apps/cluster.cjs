'use strict';
// The scale-out phase's app instance (bench/scaleout.mjs starts 3): express 5 + express-session on connect-redis
// (one store shared by the instances) + passport + RobloxStrategy, and /fresh behind refreshTokens(). Refreshes are
// coordinated on Redis (BENCH_COORDINATOR=redis) or within this process only (in-process, the "before" row).
// Each /fresh answer names in X-Bench-Role what this request did about the refresh: 'redeemed' (it called
// Roblox), 'remote' (it adopted a refresh done by another instance), 'local' (it joined a refresh already running
// in this process), 'none' (no refresh was needed, or this process already knew the new tokens).
const http = require('node:http');
const { AsyncLocalStorage } = require('node:async_hooks');
const express = require('express');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const { Passport } = require('passport');
const { refreshTokens, RobloxStrategy, SESSION_TOKENS_KEY, InProcessRefreshCoordinator } = require('passport-roblox-oidc');
const { createRedisRefreshCoordinator } = require('passport-roblox-oidc/redis');
const shared = require('./shared.cjs');

const roles = new AsyncLocalStorage();

/** The coordinator, observed: which request redeemed, joined a local flight, or adopted another instance's outcome. */
function observed(inner) {
  return {
    redeem(key, fn) {
      const record = roles.getStore();
      const joined = inner.pending(key) !== undefined;
      let ran = false;
      const result = inner.redeem(key, () => {
        ran = true;
        return fn();
      });
      if (record) {
        const mark = () => {
          record.role = joined ? 'local' : ran ? 'redeemed' : 'remote';
        };
        result.then(mark, mark);
      }
      return result;
    },
    recall: (key) => inner.recall(key),
    pending: (key) => inner.pending(key),
    isEmpty: () => inner.isEmpty(),
    forget: (match) => inner.forget(match),
    ...(inner.settled ? { settled: (key) => inner.settled(key) } : {}),
  };
}

async function main() {
  const cfg = shared.config();
  const redis = createClient({ url: process.env.BENCH_REDIS_URL });
  redis.on('error', () => undefined);
  await redis.connect();
  const inner = process.env.BENCH_COORDINATOR === 'redis'
    ? createRedisRefreshCoordinator({ redis, secret: process.env.BENCH_REDIS_SECRET })
    : new InProcessRefreshCoordinator();
  const strategy = new RobloxStrategy(
    { clientID: cfg.clientID, clientSecret: cfg.clientSecret, callbackURL: cfg.callbackURL, issuer: cfg.issuer, scope: ['openid', 'profile'], refreshCoordinator: observed(inner) },
    (accessToken, refreshToken, profile, done) => done(null, { id: profile.id, username: profile.username, displayName: profile.displayName }),
  );

  const app = express();
  app.disable('x-powered-by');
  app.use(session({ ...shared.sessionOptions(), store: new RedisStore({ client: redis, prefix: 'bench:sess:' }) }));
  const passport = new Passport();
  passport.use(strategy);
  shared.mountLogin(app, passport);
  const requireLogin = (req, res, next) => (req.user ? next() : res.status(401).send('sign in first'));
  app.get(
    '/fresh',
    requireLogin,
    (req, res, next) => roles.run({ role: 'none' }, next),
    refreshTokens({ client: strategy.client }),
    (req, res) => res.set('x-bench-role', roles.getStore()?.role ?? 'none').json({ expiresAt: req.robloxTokens.expiresAt }),
  );
  // Bench-only: make the stored access token look expired, so that the next /fresh requests need a refresh.
  app.post('/bench/expire-tokens', requireLogin, (req, res, next) => {
    const tokens = req.session[SESSION_TOKENS_KEY];
    if (!tokens) return res.status(409).send('no tokens in the session');
    tokens.expiresAt = Date.now() - 1000;
    req.session.save((err) => (err ? next(err) : res.json({ expiresAt: tokens.expiresAt })));
  });
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, _next) => res.status(typeof err.status === 'number' ? err.status : 500).send(`error ${err.code ?? err.name}`));

  shared.serve(http.createServer(app), `cluster-${process.env.BENCH_INSTANCE}`, {
    close: async () => {
      if (inner.close) await inner.close();
      await redis.quit().catch(() => undefined);
    },
  });
}

main().catch(shared.fatal);
