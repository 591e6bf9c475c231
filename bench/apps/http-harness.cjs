'use strict';
// The node:http harness of the two node:http contenders, floor and ours-http, so that they differ only in their
// login routes. No express: one node:http server; express-session, passport.initialize() and passport.session()
// called as plain middleware functions, in that order; then a fixed route table. What passport.authenticate needs
// from express, and nothing more, is provided here for both apps alike:
// - `req.query`, parsed from the URL with node:querystring (what express 5's default "simple" query parser does);
// - `res.redirect(url)` / `res.redirect(status, url)`: a status (302 by default), a Location header and an empty
//   body (express's sends a short body with content negotiation; this is the minimum a browser needs);
// - a 500 answer for an error passed to `next` or thrown, and a 404 for a route that falls through.
// The floor uses the same `res.redirect` for its own redirects.
const http = require('node:http');
const querystring = require('node:querystring');
const session = require('express-session');
const { Passport } = require('passport');
const shared = require('./shared.cjs');

/** node:http's ServerResponse plus express's `redirect`, minimal: given to the server, so on every response. */
class Response extends http.ServerResponse {
  redirect(status, location) {
    if (typeof status !== 'number') {
      location = status;
      status = 302;
    }
    this.writeHead(status, { location, 'content-length': 0 });
    this.end();
  }
}

/** An HTML answer with an explicit length. */
function send(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A Passport instance with the shared serializeUser / deserializeUser (the same as the express apps'). */
function createPassport() {
  const passport = new Passport();
  passport.serializeUser(shared.serializeUser);
  passport.deserializeUser(shared.deserializeUser);
  return passport;
}

/**
 * Serves the app: `loginRoutes` maps '/auth/roblox' and '/auth/roblox/callback' to `(req, res, next)` handlers
 * (a returned promise's rejection is an error, like `next(err)`). The harness itself serves '/' (the landing page
 * every login ends on) and '/login-failed' (passport's failureRedirect with failureMessage, as in the express apps).
 */
function serve(name, passport, loginRoutes, extraMethods) {
  const middleware = [session(shared.sessionOptions()), passport.initialize(), passport.session()];
  const routes = {
    '/': (req, res) => send(res, 200, shared.homePage(req.user)),
    '/login-failed': (req, res) => send(res, 401, shared.loginFailedPage(req)),
    ...loginRoutes,
  };

  const server = http.createServer({ ServerResponse: Response }, (req, res) => {
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    req.query = q === -1 ? {} : querystring.parse(req.url.slice(q + 1));
    let i = 0;
    const fail = (err) => {
      console.error(`[${name}] ${err.message}`);
      if (!res.headersSent) send(res, 500, 'error');
    };
    const route = () => {
      if (req.method !== 'GET') return send(res, 405, 'method not allowed');
      const handler = routes[path];
      if (!handler) return send(res, 404, 'not found');
      const done = (err) => (err ? fail(err) : send(res, 404, 'not found'));
      let result;
      try {
        result = handler(req, res, done);
      } catch (err) {
        return fail(err);
      }
      if (result && typeof result.then === 'function') result.catch(fail);
    };
    const next = (err) => {
      if (err) return fail(err);
      const mw = middleware[i++];
      if (mw) mw(req, res, next);
      else route();
    };
    next();
  });
  shared.serve(server, name, extraMethods);
}

module.exports = { createPassport, serve, send };
