'use strict';
// The demo app: "Sign in with Roblox" with sessions, token refresh, resources and logout.
// Everything here is what a production app would write, with the production settings called out.
const express = require('express');
const session = require('express-session');
const { Passport } = require('passport');
const { RobloxStrategy, RobloxError, refreshTokens, revokeTokens, authorizedResources } = require('passport-roblox-oidc');
const views = require('./views');
const { csrfToken, checkCsrf } = require('./csrf');
const { securityHeaders } = require('./security-headers');
const { mountCloudPages } = require('./cloud');

/**
 * Builds the demo app. `refreshCoordinator` and `instanceLabel`: for `npm run start:cluster` (several instances on
 * one Redis; each page names the instance that answered it).
 * @param {{ clientID: string, clientSecret?: string, callbackURL: string, issuer?: string,
 *           scope?: string[], sessionSecret: string, secureCookies?: boolean, sessionStore?: import('express-session').Store,
 *           refreshCoordinator?: import('passport-roblox-oidc').RefreshCoordinator, instanceLabel?: string }} config
 */
function createDemoApp(config) {
  const app = express();
  app.disable('x-powered-by');
  if (config.instanceLabel) {
    views.setInstanceLabel(config.instanceLabel);
    app.use((req, res, next) => {
      res.set('X-Demo-Instance', config.instanceLabel);
      next();
    });
  }
  // Behind one reverse proxy that terminates TLS (the usual production setup), trust its X-Forwarded-* so that
  // req.secure is right and secure cookies are sent. Set the number of proxies you really have.
  app.set('trust proxy', 1);
  // Avatars come from Roblox's CDN, or from the emulator when it is the issuer. The library hands over only
  // https URLs (http only on loopback), so the page never renders a javascript: link or image.
  const imageOrigins = ['https://tr.rbxcdn.com'];
  if (config.issuer) imageOrigins.push(new URL(config.issuer).origin);
  app.use(securityHeaders({ imageOrigins }));

  app.use(
    session({
      name: 'demo.sid',
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      // MemoryStore is for development only: it leaks and forgets on restart. In production pass a real store
      // (connect-redis, connect-pg-simple, ...): tokens live in the session by default.
      store: config.sessionStore,
      cookie: {
        httpOnly: true,
        sameSite: 'lax', // the callback is a top-level GET navigation from Roblox: Lax lets the cookie through
        secure: config.secureCookies ?? false, // true in production (https)
        maxAge: 7 * 24 * 3600 * 1000,
      },
    }),
  );

  const passport = new Passport();
  const strategy = new RobloxStrategy(
    {
      clientID: config.clientID,
      clientSecret: config.clientSecret,
      callbackURL: config.callbackURL,
      issuer: config.issuer,
      scope: config.scope ?? ['openid', 'profile'],
      refreshCoordinator: config.refreshCoordinator,
    },
    (accessToken, refreshToken, profile, done) =>
      // Keep the user small: it is serialized into the session. Tokens are persisted separately by the strategy.
      done(null, {
        id: profile.id,
        username: profile.username,
        displayName: profile.displayName,
        picture: profile.photos[0]?.value,
        profileUrl: profile.profileUrl,
        createdAt: profile.createdAt?.toISOString(),
      }),
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user, done) => done(null, user));
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  // Pages of a signed-in user carry the CSRF token in their forms; every POST route checks it first.
  app.use((req, res, next) => {
    res.locals.csrf = req.user ? csrfToken(req) : undefined;
    next();
  });

  const requireLogin = (req, res, next) => (req.user ? next() : res.redirect('/?signin=required'));
  const refresh = refreshTokens({ client: strategy.client, redirectTo: '/?signin=expired' });

  app.get('/', (req, res) => {
    const notices = { required: 'Please sign in first.', expired: 'Your Roblox session ended. Please sign in again.' };
    res.send(views.home({ user: req.user, csrf: res.locals.csrf, notice: notices[req.query.signin] }));
  });

  // returnTo is honoured only for same-site relative paths (the strategy checks it).
  app.get('/auth/roblox', (req, res, next) =>
    passport.authenticate('roblox', { returnTo: typeof req.query.returnTo === 'string' ? req.query.returnTo : undefined })(req, res, next),
  );
  app.get(
    '/auth/roblox/callback',
    passport.authenticate('roblox', { failureRedirect: '/login-failed', failureMessage: true, successReturnToOrRedirect: '/profile' }),
  );
  app.get('/login-failed', (req, res) => {
    const messages = req.session.messages ?? [];
    req.session.messages = [];
    const text = messages[messages.length - 1] ?? 'Signing in did not complete.';
    res.status(401).send(views.message({ title: 'Sign-in did not complete', text }));
  });

  app.get('/profile', requireLogin, (req, res) => res.send(views.profile({ user: req.user, csrf: res.locals.csrf })));

  app.get('/tokens', requireLogin, refresh, (req, res) => {
    const notice = req.session.refreshNotice;
    delete req.session.refreshNotice;
    res.send(views.tokens({ user: req.user, csrf: res.locals.csrf, tokens: req.robloxTokens, refreshedAt: req.session.refreshedAt, notice }));
  });
  // "Refresh now": a skew larger than any token lifetime makes refreshTokens() refresh unconditionally.
  app.post('/tokens/refresh', requireLogin, checkCsrf, refreshTokens({ client: strategy.client, skewSeconds: 24 * 3600, redirectTo: '/?signin=expired' }), (req, res) => {
    req.session.refreshedAt = Date.now();
    req.session.refreshNotice = 'Tokens refreshed. The previous refresh token is now dead; the new one is stored.';
    res.redirect(303, '/tokens');
  });

  app.get('/resources', requireLogin, refresh, authorizedResources({ client: strategy.client }), (req, res) =>
    res.send(views.resources({ user: req.user, csrf: res.locals.csrf, resources: req.robloxResources })),
  );

  // Signed out already: nothing to protect or revoke, just go home.
  app.post('/logout', (req, res, next) => (req.user ? checkCsrf(req, res, next) : res.redirect(303, '/')), revokeTokens({ client: strategy.client }), (req, res) => res.redirect(303, '/'));

  mountCloudPages(app, { passport, strategy, scope: config.scope ?? ['openid', 'profile'], requireLogin, checkCsrf, views });

  app.use((req, res) => res.status(404).send(views.message({ user: req.user, csrf: res.locals.csrf, title: 'Not found', text: 'There is no page here.', status: 404 })));
  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, _next) => {
    // One line per error, written by the library or by us: this library's messages never carry provider text,
    // tokens or secrets; anything else is logged by class name only (its message could hold anything).
    const ours = err instanceof RobloxError;
    const line = ours ? `${err.name} (${err.code}): ${err.message}` : `${typeof err?.name === 'string' ? err.name : 'Error'} (not from passport-roblox-oidc)`;
    console.error(`[demo] ${line.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')}`);
    const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
    res.status(status).send(
      views.message({ user: req.user, csrf: res.locals.csrf, title: 'Something went wrong', text: 'Roblox could not be reached or answered unexpectedly. Please try again in a moment.', status }),
    );
  });
  return { app, strategy, passport };
}

module.exports = { createDemoApp };
