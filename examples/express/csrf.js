'use strict';
// CSRF protection for the demo's POST forms (sign out, refresh). SameSite=Lax already keeps the session cookie
// off cross-site POSTs in current browsers; a per-session token also covers older browsers and sibling
// subdomains, which count as same-site. Any CSRF middleware you already use works the same way.
const { randomBytes, timingSafeEqual } = require('node:crypto');

/** The session's CSRF token, created on first use (after login: passport regenerates the session there). */
function csrfToken(req) {
  if (typeof req.session.csrf !== 'string') req.session.csrf = randomBytes(32).toString('base64url');
  return req.session.csrf;
}

/** Lets a POST through only when its `_csrf` form field equals the session's token; else 403. */
function checkCsrf(req, res, next) {
  const expected = typeof req.session?.csrf === 'string' ? Buffer.from(req.session.csrf) : undefined;
  const sent = typeof req.body?._csrf === 'string' ? Buffer.from(req.body._csrf) : undefined;
  if (expected && sent && sent.length === expected.length && timingSafeEqual(sent, expected)) return next();
  res.status(403).type('text/plain').send('This form expired or came from another site. Go back, reload the page and try again.');
}

module.exports = { csrfToken, checkCsrf };
