'use strict';
// The response headers of a model app (what helmet would set, written out so the demo has no extra dependency):
// a strict Content-Security-Policy with no inline script at all, the one inline <style> allowed by its hash,
// images only from the app itself and the avatar host, no framing, no MIME sniffing, no referrer to other sites.
const crypto = require('node:crypto');
const { STYLE } = require('./views');

const styleHash = `'sha256-${crypto.createHash('sha256').update(STYLE).digest('base64')}'`;

/**
 * @param {{ imageOrigins: string[] }} options origins avatars are loaded from (Roblox's CDN, or the emulator's origin)
 * @returns {import('express').RequestHandler}
 */
function securityHeaders({ imageOrigins }) {
  const csp = [
    "default-src 'none'",
    "script-src 'none'",
    `style-src ${styleHash}`,
    `img-src 'self' ${imageOrigins.join(' ')}`.trim(),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  return (req, res, next) => {
    res.set({
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    next();
  };
}

module.exports = { securityHeaders };
