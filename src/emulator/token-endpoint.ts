import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth';
import type { EmulatorContext } from './context';
import type { Grant } from './grants';
import { HttpProblem, invalidRequest, param, readForm, sendJson, sendRaw, type Params } from './http-io';
import { applyBodyTweak } from './tweak-apply';
import type { TokenResponseContext } from './tweak-types';
import { tokenId } from './id-tokens';
import type { EmulatorClient } from './types';

const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** `invalid_grant` where Roblox is silent: 400, as RFC 6749 §5.2 says. */
const invalidGrant = (description: string) => new HttpProblem(400, 'invalid_grant', description);
/**
 * `invalid_grant` for a code that is unknown, expired, already used or another client's, or whose PKCE verifier
 * does not verify: 401, as Roblox answers (third-party evidence: rblxopencloud's error mapping, a public bug
 * report quoting Roblox's answer; Roblox's docs do not say). The OAuth `error` value stays `invalid_grant`.
 */
const refusedCode = (description: string) => new HttpProblem(401, 'invalid_grant', description);

/**
 * Issues an access token, a rotated refresh token and (with `openid`) an ID token for a grant; a refresh answer
 * carries an ID token only with the `refreshIdToken` option (Roblox's documented refresh example has none).
 */
async function issueTokens(
  ctx: EmulatorContext,
  grant: Grant,
  scope: string[],
  nonce: string | undefined,
  grantType: 'authorization_code' | 'refresh_token',
): Promise<Record<string, unknown>> {
  const { settings } = ctx;
  const now = settings.now();
  const iat = Math.floor(now / 1000);
  const base = { grantId: grant.id, clientId: grant.clientId, sub: grant.sub, scope, issuedAt: now };
  const atJti = tokenId('AT.');
  // Roblox's example: `expires_in` 899 and `exp` = `iat` + 900 (the answer is a second younger than the token).
  const accessToken = ctx.idTokens.accessToken({
    sub: grant.sub, aid: grant.id, scope, jti: atJti, iat, exp: iat + Math.ceil(settings.accessTokenTtl) + 1, aud: grant.clientId,
  });
  ctx.grants.addAccess(accessToken, { ...base, jti: atJti, expiresAt: now + settings.accessTokenTtl * 1000 });
  const rtJti = tokenId('RT.');
  const refreshExp = iat + Math.ceil(settings.refreshTokenTtl);
  const refreshToken = ctx.refreshTokens.seal({ sub: grant.sub, aid: grant.id, jti: rtJti, iat, exp: refreshExp, iss: ctx.issuer, aud: grant.clientId });
  ctx.grants.setRefresh(grant, refreshToken, { ...base, jti: rtJti, expiresAt: now + settings.refreshTokenTtl * 1000 });

  const body: Record<string, unknown> = {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: 'Bearer',
    expires_in: Math.floor(settings.accessTokenTtl),
  };
  const user = ctx.users.get(grant.sub);
  if (scope.includes('openid') && user && (grantType === 'authorization_code' || settings.refreshIdToken)) {
    body.id_token = await ctx.idTokens.issue(user, { clientId: grant.clientId, sub: grant.sub, scope, nonce, grantType });
  }
  body.scope = scope.join(' ');
  return body;
}

function checkPkce(challenge: string | undefined, verifier: string | undefined, client: EmulatorClient): void {
  if (challenge === undefined) {
    // A verifier without a challenge is a PKCE downgrade attempt (RFC 9700 §2.1.1).
    if (verifier !== undefined) throw refusedCode('code_verifier was sent but the authorization request had no code_challenge');
    if (client.clientSecret === undefined) throw invalidGrant('Public clients must use PKCE');
    return;
  }
  if (verifier === undefined) throw refusedCode('code_verifier is required');
  if (!VERIFIER.test(verifier)) throw invalidRequest('code_verifier must be 43 to 128 unreserved characters');
  if (createHash('sha256').update(verifier).digest('base64url') !== challenge) throw refusedCode('code_verifier does not match the code_challenge');
}

/** A token answer and the user it was issued for. */
interface Issued {
  body: Record<string, unknown>;
  sub: string;
}

async function authorizationCodeGrant(ctx: EmulatorContext, client: EmulatorClient, params: Params): Promise<Issued> {
  const code = param(params, 'code');
  if (code === undefined) throw invalidRequest('code is required');
  const record = ctx.grants.getCode(code);
  if (!record || record.clientId !== client.clientId) throw refusedCode('The authorization code is invalid or expired');
  if (record.used) {
    // RFC 6749 §4.1.2: a replayed code revokes what was issued from it.
    if (record.grantId !== undefined) ctx.grants.revokeGrant(record.grantId);
    throw refusedCode('The authorization code was already used');
  }
  record.used = true;
  const redirectUri = param(params, 'redirect_uri');
  // Roblox's documented token request has no redirect_uri; when one is sent it must be the authorize one exactly.
  if (redirectUri !== undefined && redirectUri !== record.redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
  checkPkce(record.codeChallenge, param(params, 'code_verifier'), client);
  if (!ctx.users.has(record.sub)) throw invalidGrant('The user no longer exists');

  const grant = ctx.grants.addGrant({ clientId: client.clientId, sub: record.sub, scope: record.scope, resources: record.resources });
  record.grantId = grant.id;
  return { body: await issueTokens(ctx, grant, record.scope, record.nonce, 'authorization_code'), sub: grant.sub };
}

async function refreshTokenGrant(ctx: EmulatorContext, client: EmulatorClient, params: Params): Promise<Issued> {
  const token = param(params, 'refresh_token');
  if (token === undefined) throw invalidRequest('refresh_token is required');
  const record = ctx.grants.getRefresh(token);
  if (!record || record.clientId !== client.clientId) {
    const spentFrom = ctx.grants.spentRefresh(token);
    if (spentFrom !== undefined && ctx.settings.revokeOnRefreshReuse) ctx.grants.revokeGrant(spentFrom);
    throw invalidGrant('The refresh token is invalid, expired, revoked or already used');
  }
  const grant = ctx.grants.getGrant(record.grantId);
  if (!grant) throw invalidGrant('The refresh token is invalid, expired, revoked or already used');
  let scope = record.scope;
  const asked = param(params, 'scope');
  if (asked !== undefined) {
    const narrowed = [...new Set(asked.split(' ').filter((s) => s !== ''))];
    if (narrowed.length === 0 || narrowed.some((s) => !record.scope.includes(s))) {
      throw new HttpProblem(400, 'invalid_scope', 'scope may only narrow the scopes of the grant');
    }
    scope = narrowed;
  }
  ctx.grants.spendRefresh(token, ctx.settings.revokeOnRefreshReuse);
  return { body: await issueTokens(ctx, grant, scope, undefined, 'refresh_token'), sub: grant.sub };
}

/**
 * `POST v1/token`: the `authorization_code` and `refresh_token` grants, with Roblox's client authentication.
 * Answers carry `Cache-Control: no-store`.
 */
export async function handleToken(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const params = await readForm(req);
  const { client } = authenticateClient(req, params, ctx.clients);
  const grantType = param(params, 'grant_type');
  if (grantType === undefined) throw invalidRequest('grant_type is required');
  let issued: Issued;
  if (grantType === 'authorization_code') issued = await authorizationCodeGrant(ctx, client, params);
  else if (grantType === 'refresh_token') issued = await refreshTokenGrant(ctx, client, params);
  else throw new HttpProblem(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token');
  const tweak = ctx.tokenTweaks.shift();
  const body = tweak ? applyBodyTweak<TokenResponseContext>(tweak, issued.body, { grantType, clientId: client.clientId, sub: issued.sub }) : issued.body;
  if (typeof body === 'string') sendRaw(res, 200, body, 'application/json; charset=utf-8', { 'cache-control': 'no-store', pragma: 'no-cache' });
  else sendJson(res, 200, body);
}
