import type { IncomingMessage, ServerResponse } from 'node:http';
import { consentPage, errorPage } from './consent-page';
import type { EmulatorContext } from './context';
import { redirectAllowed, ROBLOX_UNPUBLISHED_USER_LIMIT } from './defaults';
import type { PendingRequest } from './grants';
import { HttpProblem, param, parseParams, readForm, redirectWith, sendHtml, type Params } from './http-io';
import { chosenResources } from './resource-choice';
import type { EmulatorClient, EmulatorResources, EmulatorUser } from './types';

/** Path the consent form posts to. */
export const DECISION_PATH = '/oauth/v1/authorize/decision';

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** An error that goes back to the app's redirect URI (the client and redirect URI are already validated). */
class RedirectError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(description);
  }
}

function scopesOf(raw: string | undefined): string[] {
  return [...new Set((raw ?? '').split(' ').filter((s) => s !== ''))];
}

/** Validates everything after client and redirect URI, per Roblox's authorize parameters. */
function validate(params: Params, client: EmulatorClient, redirectUri: string): { pending: Omit<PendingRequest, 'expiresAt'>; prompt: string[] } {
  const responseType = param(params, 'response_type');
  if (responseType === undefined) throw new RedirectError('invalid_request', 'response_type is required');
  if (responseType !== 'code' && responseType !== 'none') throw new RedirectError('unsupported_response_type', 'response_type must be code');

  const scope = scopesOf(param(params, 'scope'));
  if (scope.length === 0) throw new RedirectError('invalid_request', 'scope is required');
  const refused = scope.filter((s) => !client.scopes.includes(s));
  // The names are echoed plainly; redirectWith makes the description conform to RFC 6749 §4.1.2.1.
  if (refused.length > 0) throw new RedirectError('invalid_scope', `The app may not request the scope ${refused.map((s) => `'${s}'`).join(', ')}`);

  const method = param(params, 'code_challenge_method');
  const challenge = param(params, 'code_challenge');
  if (method !== undefined && method !== 'S256') throw new RedirectError('invalid_request', 'code_challenge_method must be S256 (plain is not supported)');
  if (challenge !== undefined && method === undefined) throw new RedirectError('invalid_request', 'code_challenge_method=S256 is required with code_challenge');
  if (method !== undefined && challenge === undefined) throw new RedirectError('invalid_request', 'code_challenge is required with code_challenge_method');
  if (challenge !== undefined && !S256_CHALLENGE.test(challenge)) throw new RedirectError('invalid_request', 'code_challenge must be a base64url SHA-256 digest (43 characters)');
  if (client.clientSecret === undefined && challenge === undefined) throw new RedirectError('invalid_request', 'Public clients must use PKCE (code_challenge with S256)');

  const prompt = scopesOf(param(params, 'prompt'));
  if (prompt.some((p) => !PROMPTS.has(p))) throw new RedirectError('invalid_request', 'prompt must be none, login, consent or select_account');
  if (prompt.includes('none') && prompt.length > 1) throw new RedirectError('invalid_request', 'prompt=none cannot be combined with other values');

  return {
    pending: {
      clientId: client.clientId,
      redirectUri,
      responseType,
      scope,
      state: param(params, 'state'),
      nonce: param(params, 'nonce'),
      codeChallenge: challenge,
    },
    prompt,
  };
}

/**
 * Counts the user among the app's authorizing users; false when the app is unpublished and already has
 * {@link ROBLOX_UNPUBLISHED_USER_LIMIT} others (Roblox's limit for apps not yet reviewed).
 */
function admitUser(ctx: EmulatorContext, clientId: string, sub: string): boolean {
  let users = ctx.authorizedUsers.get(clientId);
  if (!users) {
    users = new Set();
    ctx.authorizedUsers.set(clientId, users);
  }
  if (users.has(sub)) return true;
  const client = ctx.clients.get(clientId);
  if (client && !client.published && users.size >= ROBLOX_UNPUBLISHED_USER_LIMIT) return false;
  users.add(sub);
  return true;
}

/**
 * Sends the successful authorization response: a fresh code (or nothing for `response_type=none`) and the state.
 * The code carries what the user shared; the grant made from it answers the resources endpoint with that. An
 * unpublished app past its user limit gets an error page instead (the user stays on the provider, as on Roblox).
 */
function approve(
  ctx: EmulatorContext,
  res: ServerResponse,
  request: Omit<PendingRequest, 'expiresAt'>,
  user: EmulatorUser,
  resources: EmulatorResources,
): void {
  if (!admitUser(ctx, request.clientId, user.sub)) {
    sendHtml(
      res,
      403,
      errorPage(
        'This app has reached its user limit',
        `This app is not published yet, and an unpublished app can be authorized by at most ${ROBLOX_UNPUBLISHED_USER_LIMIT} users. ` +
          'It already has that many, so you cannot authorize it until its developer publishes it.',
      ),
    );
    return;
  }
  const code =
    request.responseType === 'code'
      ? ctx.grants.addCode({
          clientId: request.clientId,
          redirectUri: request.redirectUri,
          scope: request.scope,
          nonce: request.nonce,
          sub: user.sub,
          resources,
          codeChallenge: request.codeChallenge,
          expiresAt: ctx.settings.now() + ctx.settings.codeTtl * 1000,
        })
      : undefined;
  redirectWith(res, request.redirectUri, { code, state: request.state });
}

function autoApproveUser(ctx: EmulatorContext): EmulatorUser | undefined {
  const a = ctx.settings.autoApprove;
  if (a === false) return undefined;
  if (a === true) return ctx.users.values().next().value;
  return ctx.users.get(a);
}

/**
 * `GET v1/authorize`. The client and redirect URI are checked first; if either is wrong the user sees an error
 * page and is never redirected. Every later error goes back to the redirect URI with `error`,
 * `error_description` and `state`.
 */
export function handleAuthorize(ctx: EmulatorContext, _req: IncomingMessage, res: ServerResponse, query: string): void {
  let params: Params;
  try {
    params = parseParams(query);
  } catch (err) {
    sendHtml(res, 400, errorPage('Invalid request', err instanceof HttpProblem ? err.description : 'The request is malformed'));
    return;
  }
  const clientId = param(params, 'client_id');
  const client = clientId === undefined ? undefined : ctx.clients.get(clientId);
  if (clientId === undefined || !client) {
    sendHtml(res, 400, errorPage('Unknown app', 'The client_id is missing or does not belong to a registered app.'));
    return;
  }
  const redirectUri = param(params, 'redirect_uri');
  if (redirectUri === undefined || !redirectAllowed(client, redirectUri)) {
    sendHtml(res, 400, errorPage('Invalid redirect URI', 'The redirect_uri is missing or is not registered for this app.'));
    return;
  }

  let request: ReturnType<typeof validate>;
  try {
    request = validate(params, client, redirectUri);
  } catch (err) {
    const e = err instanceof RedirectError ? err : new RedirectError('server_error', 'Unexpected error');
    redirectWith(res, redirectUri, { error: e.error, error_description: e.description, state: param(params, 'state') });
    return;
  }

  const user = autoApproveUser(ctx);
  if (user) {
    // Approved without a page: everything the user has is shared.
    approve(ctx, res, request.pending, user, user.resources);
    return;
  }
  if (request.prompt.includes('none')) {
    redirectWith(res, redirectUri, { error: 'login_required', error_description: 'The user must sign in and consent', state: request.pending.state });
    return;
  }
  const requestId = ctx.grants.addPending({ ...request.pending, expiresAt: ctx.settings.now() + ctx.settings.consentTtl * 1000 });
  sendHtml(
    res,
    200,
    consentPage({ client, scope: request.pending.scope, users: [...ctx.users.values()], requestId, action: DECISION_PATH, redirectUri }),
  );
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * `POST v1/authorize/decision`: the consent form. It carries only a random, single-use pending request ID, so
 * a forged post cannot name a request it has not seen; a cross-origin post is refused as well.
 */
export async function handleDecision(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let params: Params;
  try {
    params = await readForm(req);
  } catch (err) {
    const p = err instanceof HttpProblem ? err : new HttpProblem(400, 'invalid_request', 'The request is malformed');
    sendHtml(res, p.status, errorPage('Invalid request', p.description));
    return;
  }
  if (!sameOrigin(req)) {
    sendHtml(res, 403, errorPage('Forbidden', 'The consent form was posted from another site.'));
    return;
  }
  const id = param(params, 'request_id');
  const pending = id === undefined ? undefined : ctx.grants.peekPending(id);
  if (id === undefined || !pending) {
    sendHtml(res, 400, errorPage('Authorization request expired', 'This consent page was already used or has expired. Start signing in again from the app.'));
    return;
  }
  const decision = param(params, 'decision');
  const sub = param(params, 'user');
  const user = sub === undefined ? undefined : ctx.users.get(sub);
  if (decision !== 'approve' && decision !== 'deny') {
    sendHtml(res, 400, errorPage('Invalid request', 'decision must be approve or deny.'));
    return;
  }
  if (decision === 'approve' && !user) {
    sendHtml(res, 400, errorPage('Invalid request', 'Choose one of the listed users.'));
    return;
  }
  ctx.grants.takePending(id);
  if (decision === 'deny' || !user) {
    redirectWith(res, pending.redirectUri, { error: 'access_denied', error_description: 'The user denied the authorization request', state: pending.state });
    return;
  }
  approve(ctx, res, pending, user, chosenResources(user, params));
}
