// Contender 2: openid-client v6's Passport strategy on the same express 5 + express-session + passport setup,
// configured to do the same work as ours: discovery, PKCE, state AND nonce (its default with a PKCE-capable
// server is PKCE alone, so both are added), ID-token signature verification (enableNonRepudiationChecks: off
// by default in v6), a userinfo call checked against the ID token's subject, and the TokenSet in the session.
import http from 'node:http';
import express from 'express';
import session from 'express-session';
import passportModule from 'passport';
import * as client from 'openid-client';
import { Strategy } from 'openid-client/passport';
import shared from './shared.cjs';

try {
  const cfg = shared.config();
  const config = await client.discovery(
    new URL(cfg.issuer),
    cfg.clientID,
    { client_secret: cfg.clientSecret },
    client.ClientSecretBasic(cfg.clientSecret),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
  );

  class StateAndNonceStrategy extends Strategy {
    authorizationRequestParams(req, options) {
      const params = new URLSearchParams(super.authorizationRequestParams(req, options));
      params.set('state', client.randomState());
      params.set('nonce', client.randomNonce());
      return params;
    }
  }

  const app = express();
  app.disable('x-powered-by');
  app.use(session(shared.sessionOptions()));

  const passport = new passportModule.Passport();
  passport.use(
    'roblox',
    new StateAndNonceStrategy({ config, callbackURL: cfg.callbackURL, scope: 'openid profile' }, async (tokens, verified) => {
      const claims = tokens.claims();
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      verified(null, { id: info.sub, username: info.preferred_username, displayName: info.name, tokens: shared.tokenSet(tokens, ['openid', 'profile']) });
    }),
  );
  shared.mountPassport(app, passport);

  app.get('/', (req, res) => res.send(shared.homePage(req.user)));
  app.get('/auth/roblox', passport.authenticate('roblox'));
  app.get(
    '/auth/roblox/callback',
    passport.authenticate('roblox', { failureRedirect: '/login-failed', failureMessage: true }),
    // Keep the tokens in the session (as ours does by default), then go home.
    (req, res) => {
      req.session.robloxTokens = req.user.tokens;
      res.redirect('/');
    },
  );
  app.get('/login-failed', (req, res) => res.status(401).send(`login failed: ${(req.session.messages ?? []).slice(-1)[0] ?? 'no message'}`));

  // eslint-disable-next-line no-unused-vars
  app.use((err, req, res, _next) => {
    console.error(`[openid-client] ${err.name}${err.code ? ` (${err.code})` : ''}: ${err.message}`);
    res.status(500).send(`error ${err.code ?? err.name}`);
  });

  shared.serve(http.createServer(app), 'openid-client');
} catch (err) {
  shared.fatal(err);
}
