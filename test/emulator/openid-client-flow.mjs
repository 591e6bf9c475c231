// Drives the emulator with openid-client v6 (ESM-only, hence a child process rather than Jest's CommonJS).
// Usage: node openid-client-flow.mjs '<json: { issuer, clientId, clientSecret?, auth, redirectUri, scenario }>'
// Prints one line of JSON: the observations the Jest test asserts on.
import * as client from 'openid-client';

const input = JSON.parse(process.argv[2]);
const out = {};

function describe(err, depth = 0) {
  const d = { name: err?.name, code: err?.code, error: err?.error, status: err?.status, message: String(err?.message ?? err) };
  if (err?.cause instanceof Error && depth < 3) d.cause = describe(err.cause, depth + 1);
  return d;
}

async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, err: describe(err) };
  }
}

const auth =
  input.auth === 'basic' ? client.ClientSecretBasic(input.clientSecret)
  : input.auth === 'post' ? client.ClientSecretPost(input.clientSecret)
  : client.None();

const config = await client.discovery(new URL(input.issuer), input.clientId, { redirect_uris: [input.redirectUri] }, auth, {
  execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
  timeout: 5,
});
out.issuer = config.serverMetadata().issuer;

const verifier = client.randomPKCECodeVerifier();
const nonce = client.randomNonce();
const state = client.randomState();
const authorizationUrl = client.buildAuthorizationUrl(config, {
  redirect_uri: input.redirectUri,
  scope: 'openid profile',
  code_challenge: await client.calculatePKCECodeChallenge(verifier),
  code_challenge_method: 'S256',
  nonce,
  state,
});
const authorizeResponse = await fetch(authorizationUrl, { redirect: 'manual' });
out.authorizeStatus = authorizeResponse.status;
const callback = new URL(authorizeResponse.headers.get('location'));

const grant = await attempt(() =>
  client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true }),
);
if (!grant.ok) {
  out.grantError = grant.err;
  console.log(JSON.stringify(out));
  process.exit(0);
}
const tokens = grant.value;
const claims = tokens.claims();
out.claims = { sub: claims.sub, nonce: claims.nonce, iss: claims.iss, aud: claims.aud, preferred_username: claims.preferred_username };
out.tokenType = tokens.token_type;
out.expiresIn = tokens.expires_in; // the raw field: expiresIn() counts down from receipt and reads 898 when a second ticks over

if (input.scenario === 'full') {
  out.userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  out.refreshed = {
    newAccessToken: refreshed.access_token !== tokens.access_token,
    newRefreshToken: refreshed.refresh_token !== tokens.refresh_token,
    idTokenSub: refreshed.claims()?.sub,
  };
  out.reuse = (await attempt(() => client.refreshTokenGrant(config, tokens.refresh_token))).err;

  if (input.auth !== 'none') {
    const introspection = await client.tokenIntrospection(config, refreshed.access_token);
    out.introspection = { active: introspection.active, sub: introspection.sub, client_id: introspection.client_id };
  }

  await client.tokenRevocation(config, refreshed.refresh_token);
  out.revoked = true;
  out.userinfoAfterRevoke = (await attempt(() => client.fetchUserInfo(config, refreshed.access_token, claims.sub))).err;
  out.refreshAfterRevoke = (await attempt(() => client.refreshTokenGrant(config, refreshed.refresh_token))).err;
}

console.log(JSON.stringify(out));
