'use strict';
// Contender 3, the floor: the least work a secure login needs, hand-written on node:http. express-session and
// passport are used as plain middleware functions (no express): the harness in http-harness.cjs, shared with
// ours-http. Discovery and the JWKS are fetched once at startup and the key imported once; each login then
// costs: state, nonce and PKCE verifier in the session, one token call, one ES256 signature check (jose jwtVerify
// with the cached key) with iss/aud/exp/nonce, one userinfo call (sub must match), req.login (session
// regenerated), the TokenSet in the session.
const http = require('node:http');
const crypto = require('node:crypto');
const { jwtVerify, importJWK } = require('jose');
const shared = require('./shared.cjs');
const harness = require('./http-harness.cjs');

const cfg = shared.config();
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const SCOPE = ['openid', 'profile'];

function call(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { accept: 'application/json', ...headers }, agent }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (data += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`${method} ${url.pathname} answered ${res.statusCode}`));
        try {
          resolve(JSON.parse(data));
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${url.pathname} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const random = () => crypto.randomBytes(32).toString('base64url');
const s256 = (v) => crypto.createHash('sha256').update(v).digest('base64url');

async function main() {
  const meta = await call(new URL('.well-known/openid-configuration', cfg.issuer));
  if (meta.issuer !== cfg.issuer) throw new Error('issuer mismatch');
  const endpoints = { authorize: new URL(meta.authorization_endpoint), token: new URL(meta.token_endpoint), userinfo: new URL(meta.userinfo_endpoint) };
  const jwks = await call(new URL(meta.jwks_uri));
  const keys = new Map();
  for (const jwk of jwks.keys) keys.set(jwk.kid, await importJWK(jwk, 'ES256'));
  const getKey = (header) => {
    const key = keys.get(header.kid);
    if (!key) throw new Error('unknown kid');
    return key;
  };
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(cfg.clientID)}:${encodeURIComponent(cfg.clientSecret)}`).toString('base64')}`;

  const passport = harness.createPassport();
  const send = harness.send;

  async function start(req, res) {
    const tx = { state: random(), nonce: random(), verifier: random() };
    req.session.oidc = tx;
    const url = new URL(endpoints.authorize);
    url.search = new URLSearchParams({
      client_id: cfg.clientID, redirect_uri: cfg.callbackURL, scope: SCOPE.join(' '), response_type: 'code',
      state: tx.state, nonce: tx.nonce, code_challenge: s256(tx.verifier), code_challenge_method: 'S256',
    }).toString();
    res.redirect(url.href);
  }

  async function callback(req, res) {
    const tx = req.session.oidc;
    delete req.session.oidc;
    const { code, state } = req.query;
    if (!tx || typeof code !== 'string' || !code || state !== tx.state) return send(res, 401, 'login failed: bad state');
    const tokens = await call(endpoints.token, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, code_verifier: tx.verifier, redirect_uri: cfg.callbackURL }).toString(),
    });
    const { payload } = await jwtVerify(tokens.id_token, getKey, { issuer: cfg.issuer, audience: cfg.clientID, algorithms: ['ES256'] });
    if (payload.nonce !== tx.nonce) return send(res, 401, 'login failed: nonce');
    const info = await call(endpoints.userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    if (info.sub !== payload.sub) return send(res, 401, 'login failed: userinfo subject');
    const user = { id: info.sub, username: info.preferred_username, displayName: info.name };
    await new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
    req.session.robloxTokens = shared.tokenSet(tokens, SCOPE);
    res.redirect('/');
  }

  harness.serve('floor', passport, { '/auth/roblox': start, '/auth/roblox/callback': callback });
}

main().catch(shared.fatal);
