'use strict';
// "Sign in with Roblox" on Fastify: @fastify/passport, @fastify/secure-session, and the hooks of
// passport-roblox-oidc/fastify. Tokens stay out of the (cookie-held) session: MemoryTokenStore here, a Redis or
// database TokenStore in production.
const Fastify = require('fastify');
const { Authenticator } = require('@fastify/passport');
const { RobloxStrategy } = require('passport-roblox-oidc');
const { refreshTokens, revokeTokens, authorizedResources, MemoryTokenStore } = require('passport-roblox-oidc/fastify');

/**
 * Builds the example app (not yet listening).
 * @param {{ clientID: string, clientSecret?: string, callbackURL: string, issuer?: string, scope?: string[],
 *           sessionKey: Buffer, secureCookies?: boolean }} config  sessionKey: 32 random bytes
 */
async function createFastifyExample(config) {
  const app = Fastify({ logger: false });
  await app.register(require('@fastify/secure-session'), {
    key: config.sessionKey,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies ?? false },
  });

  const passport = new Authenticator();
  await app.register(passport.initialize());
  await app.register(passport.secureSession());
  // Keep the user small: the whole session travels in the cookie.
  passport.registerUserSerializer(async (user) => user);
  passport.registerUserDeserializer(async (user) => user);

  const tokenStore = new MemoryTokenStore(); // keyed by request.user.id
  const strategy = new RobloxStrategy(
    {
      clientID: config.clientID,
      clientSecret: config.clientSecret,
      callbackURL: config.callbackURL,
      issuer: config.issuer,
      scope: config.scope ?? ['openid', 'profile'],
      tokenStore,
    },
    async (accessToken, refreshToken, profile) => ({ id: profile.id, name: profile.displayName }),
  );
  passport.use('roblox', strategy);
  const roblox = { client: strategy.client, store: tokenStore };

  app.get('/', async (request, reply) => {
    reply.type('text/html');
    return request.user
      ? `<p>Signed in as ${escape(request.user.name)}</p><p><a href="/me/roblox">Roblox profile</a> · <a href="/experiences">Experiences</a></p>` +
          '<form method="post" action="/logout"><button>Sign out</button></form>'
      : '<p><a href="/auth/roblox">Sign in with Roblox</a></p>';
  });
  app.get('/auth/roblox', { preValidation: passport.authenticate('roblox') }, async () => '');
  app.get(
    '/auth/roblox/callback',
    { preValidation: passport.authenticate('roblox', { failureRedirect: '/', successRedirect: '/' }) },
    async () => '',
  );
  // refreshTokens: fresh tokens in request.robloxTokens (refreshed when about to expire), or a 401.
  app.get('/me/roblox', { preHandler: refreshTokens(roblox) }, async (request) =>
    strategy.client.userinfo(request.robloxTokens.accessToken),
  );
  app.get('/experiences', { preHandler: [refreshTokens(roblox), authorizedResources(roblox)] }, async (request) =>
    request.robloxResources.universes,
  );
  // Production: protect state-changing routes from CSRF (e.g. @fastify/csrf-protection).
  app.post('/logout', { preHandler: revokeTokens(roblox) }, async (request, reply) => reply.code(303).header('location', '/').send());
  return { app, strategy, tokenStore };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

module.exports = { createFastifyExample };
