import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorContext } from './context';
import { descriptionText, HttpProblem, sendJson, sendRaw } from './http-io';
import { applyBodyTweak } from './tweak-apply';
import type { UserinfoContext } from './tweak-types';
import type { EmulatorUser } from './types';

function bearerProblem(status: number, error: string, description: string, withError = true): HttpProblem {
  // A conforming description has no `"` or `\`, so it is safe inside the quoted challenge too.
  const text = descriptionText(description);
  const challenge = withError ? `Bearer realm="roblox-emulator", error="${error}", error_description="${text}"` : 'Bearer realm="roblox-emulator"';
  return new HttpProblem(status, error, text, { 'www-authenticate': challenge });
}

/** The userinfo claims: `sub` always; the profile claims with the `profile` scope. */
export function userinfoClaims(user: EmulatorUser, scope: readonly string[]): Record<string, unknown> {
  if (!scope.includes('profile')) return { sub: user.sub };
  return {
    sub: user.sub,
    name: user.displayName,
    nickname: user.displayName,
    preferred_username: user.username,
    created_at: user.createdAt,
    profile: user.profileUrl,
    picture: user.picture,
  };
}

/**
 * `GET v1/userinfo` with `Authorization: Bearer <access token>` (the header only, as Roblox). An invalid,
 * expired or revoked token gets 401 with a `WWW-Authenticate` challenge; a token without `openid` gets 403.
 */
export function handleUserinfo(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): void {
  const header = req.headers.authorization;
  if (header === undefined || header === '') throw bearerProblem(401, 'invalid_token', 'An access token is required', false);
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!m) throw bearerProblem(401, 'invalid_request', 'The Authorization header must be Bearer <access token>');
  const record = ctx.grants.getAccess(m[1] as string);
  const user = record && ctx.grants.getGrant(record.grantId) ? ctx.users.get(record.sub) : undefined;
  if (!record || !user) throw bearerProblem(401, 'invalid_token', 'The access token is invalid, expired or revoked');
  if (!record.scope.includes('openid')) throw bearerProblem(403, 'insufficient_scope', 'The access token lacks the openid scope');

  let body: Record<string, unknown> | string = userinfoClaims(user, record.scope);
  const tweak = ctx.userinfoTweaks.shift();
  if (tweak) body = applyBodyTweak<UserinfoContext>(tweak, body, { clientId: record.clientId, sub: record.sub, scope: record.scope });
  if (typeof body === 'string') sendRaw(res, 200, body, 'application/json; charset=utf-8', { 'cache-control': 'no-store' });
  else sendJson(res, 200, body);
}
