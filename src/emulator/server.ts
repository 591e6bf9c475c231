import { AVATAR_PREFIX, avatarSvg } from './avatars';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DECISION_PATH, handleAuthorize, handleDecision } from './authorize';
import type { EmulatorContext } from './context';
import { HttpProblem, sendJson, sendProblem, sendRaw, splitTarget } from './http-io';
import { handleToken } from './token-endpoint';
import { handleIntrospect, handleResources, handleRevoke } from './token-info';
import type { EmulatorEndpoint } from './types';
import { handleUserinfo } from './userinfo';
import { OpenCloudEmulator } from './open-cloud/open-cloud';

type Handler = (ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse, query: string) => void | Promise<void>;

interface Route {
  endpoint: EmulatorEndpoint;
  /** The methods served. HEAD only on read-only routes: a HEAD must never run authorize (which can mint a code). */
  methods: ReadonlyArray<'GET' | 'HEAD' | 'POST'>;
  handler: Handler;
}

const READ_ONLY = ['GET', 'HEAD'] as const;

const JSON_TYPE = 'application/json; charset=utf-8';

/** Every path the emulator serves, matched exactly (no decoding, no trailing-slash variants). */
const ROUTES = new Map<string, Route>([
  ['/oauth/.well-known/openid-configuration', { endpoint: 'discovery', methods: READ_ONLY, handler: (ctx, _q, res) => sendRaw(res, 200, ctx.discoveryBody, JSON_TYPE) }],
  ['/oauth/v1/certs', { endpoint: 'jwks', methods: READ_ONLY, handler: (ctx, _q, res) => sendRaw(res, 200, ctx.keys.jwksBody(), JSON_TYPE) }],
  ['/oauth/v1/authorize', { endpoint: 'authorize', methods: ['GET'], handler: handleAuthorize }],
  [DECISION_PATH, { endpoint: 'decision', methods: ['POST'], handler: handleDecision }],
  ['/oauth/v1/token', { endpoint: 'token', methods: ['POST'], handler: handleToken }],
  ['/oauth/v1/token/introspect', { endpoint: 'introspect', methods: ['POST'], handler: handleIntrospect }],
  ['/oauth/v1/token/resources', { endpoint: 'resources', methods: ['POST'], handler: handleResources }],
  ['/oauth/v1/token/revoke', { endpoint: 'revoke', methods: ['POST'], handler: handleRevoke }],
  ['/oauth/v1/userinfo', { endpoint: 'userinfo', methods: ['GET'], handler: handleUserinfo }],
]);

async function dispatch(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { path, query } = splitTarget(req.url ?? '/');
  const route = ROUTES.get(path);
  if (!route && path.startsWith(AVATAR_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
    const svg = avatarSvg(path, ctx.users);
    if (svg) return sendRaw(res, 200, svg, 'image/svg+xml', { 'cache-control': 'public, max-age=3600' });
  }
  if (!route && OpenCloudEmulator.owns(path)) return ctx.openCloud.handle(ctx, req, res, path, query);
  if (!route) throw new HttpProblem(404, 'not_found', 'There is no such endpoint');
  ctx.faults.count(route.endpoint);
  const delay = ctx.faults.delay(route.endpoint);
  if (delay) await delay;
  if (ctx.faults.inject(route.endpoint, req, res)) return;
  if (!(route.methods as readonly string[]).includes(req.method ?? '')) {
    const allow = route.methods.join(', ');
    throw new HttpProblem(405, 'invalid_request', `Use ${allow.replace(', ', ' or ')}`, { allow });
  }
  await route.handler(ctx, req, res, query);
}

/** The request listener: routes, and turns every failure into an answer so that no input crashes or hangs the server. */
export function createListener(getContext: () => EmulatorContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    // Without a listener, an aborted upload would throw from the request stream.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    dispatch(getContext(), req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpProblem) sendProblem(res, err);
      else sendJson(res, 500, { error: 'server_error', error_description: 'The emulator failed to handle the request' });
    });
  };
}

/** Creates the HTTP server with timeouts that bound slow or stalled clients, and starts listening. */
export async function listen(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  port: number,
  host: string,
): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000, keepAliveTimeout: 5_000 }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/** Closes the server and every connection, including requests left hanging on purpose. */
export function shutdown(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
