import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateClient } from './client-auth';
import type { EmulatorContext } from './context';
import type { Grant, TokenRecord } from './grants';
import { HttpProblem, invalidRequest, param, readForm, sendJson, sendRaw } from './http-io';
import { verifyOwnJwt } from './jws';
import { asksForResources } from './resource-choice';
import type { EmulatorResources } from './types';

/** One entry of Roblox's `resource_infos`. */
export interface ResourceInfo {
  owner: { id: string; type: 'User' | 'Group' };
  resources: { universe?: { ids: string[] }; creator?: { ids: string[] } };
}

function resourcesOf(universes: readonly string[], creator: boolean): ResourceInfo['resources'] {
  const r: ResourceInfo['resources'] = {};
  if (universes.length > 0) r.universe = { ids: [...universes] };
  // "U" stands for the owner's own account.
  if (creator) r.creator = { ids: ['U'] };
  return r;
}

/** What a grant of these scopes lets the app reach: nothing for identity scopes alone, else the resources the user shared. */
export function resourceInfos(sub: string, shared: EmulatorResources, scope: readonly string[]): ResourceInfo[] {
  if (!asksForResources(scope)) return [];
  const { universes, creator, groups } = shared;
  const infos: ResourceInfo[] = [];
  if (universes.length > 0 || creator) infos.push({ owner: { id: sub, type: 'User' }, resources: resourcesOf(universes, creator) });
  for (const g of groups) infos.push({ owner: { id: g.id, type: 'Group' }, resources: resourcesOf(g.universes, g.creator) });
  return infos;
}

async function formWithClient(ctx: EmulatorContext, req: IncomingMessage): Promise<{ clientId: string; token: string }> {
  const params = await readForm(req);
  const { client } = authenticateClient(req, params, ctx.clients);
  const token = param(params, 'token');
  if (token === undefined) throw invalidRequest('token is required');
  return { clientId: client.clientId, token };
}

function describe(ctx: EmulatorContext, r: TokenRecord): Record<string, unknown> {
  return {
    active: true,
    jti: r.jti,
    iss: ctx.issuer,
    token_type: 'Bearer',
    client_id: r.clientId,
    aud: r.clientId,
    sub: r.sub,
    scope: r.scope.join(' '),
    exp: Math.floor(r.expiresAt / 1000),
    iat: Math.floor(r.issuedAt / 1000),
  };
}

/**
 * `POST v1/token/introspect`. Roblox's quirk is kept: an access token is reported active until it expires,
 * even after its grant was revoked. Refresh tokens are inactive once used or revoked. ID tokens are checked by
 * signature and expiry. Tokens of another client, unknown or expired ones: `{ active: false }`.
 */
export async function handleIntrospect(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { clientId, token } = await formWithClient(ctx, req);
  const record = ctx.grants.getAccess(token) ?? ctx.grants.getRefresh(token);
  if (record) {
    sendJson(res, 200, record.clientId === clientId ? describe(ctx, record) : { active: false });
    return;
  }
  const claims = verifyOwnJwt(token, ctx.keys, Math.floor(ctx.settings.now() / 1000));
  if (claims && claims.aud === clientId && claims.iss === ctx.issuer && typeof claims.jti === 'string' && claims.jti.startsWith('ID.')) {
    const { jti, sub, exp, iat } = claims;
    sendJson(res, 200, { active: true, jti, iss: ctx.issuer, token_type: 'Bearer', client_id: clientId, aud: clientId, sub, exp, iat });
    return;
  }
  sendJson(res, 200, { active: false });
}

/** An access token usable for resources: known, unexpired, of this client, grant not revoked. */
function liveAccess(ctx: EmulatorContext, clientId: string, token: string): { record: TokenRecord; grant: Grant } {
  const record = ctx.grants.getAccess(token);
  const grant = record && record.clientId === clientId ? ctx.grants.getGrant(record.grantId) : undefined;
  if (!record || !grant) throw new HttpProblem(401, 'invalid_token', 'The access token is invalid, expired or revoked');
  return { record, grant };
}

/** `POST v1/token/resources`: the resources the user granted, in Roblox's `resource_infos` shape. */
export async function handleResources(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { clientId, token } = await formWithClient(ctx, req);
  const { record, grant } = liveAccess(ctx, clientId, token);
  sendJson(res, 200, { resource_infos: ctx.users.has(record.sub) ? resourceInfos(record.sub, grant.resources, record.scope) : [] });
}

/**
 * `POST v1/token/revoke`: a refresh or access token ends its whole grant. Answers 200 with an empty body,
 * also for unknown tokens and tokens of other clients (RFC 7009 §2.2), which are left alone.
 */
export async function handleRevoke(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { clientId, token } = await formWithClient(ctx, req);
  const record = ctx.grants.getRefresh(token) ?? ctx.grants.getAccess(token);
  if (record && record.clientId === clientId) ctx.grants.revokeGrant(record.grantId);
  sendRaw(res, 200, '', undefined, { 'cache-control': 'no-store' });
}
