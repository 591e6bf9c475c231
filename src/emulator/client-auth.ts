import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpProblem, invalidRequest, param, type Params } from './http-io';
import type { EmulatorClient } from './types';

/** How a client proved who it is at a token endpoint. */
export interface AuthenticatedClient {
  client: EmulatorClient;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

const BASIC_CHALLENGE = { 'www-authenticate': 'Basic realm="roblox-emulator", charset="UTF-8"' };

function invalidClient(description: string, basic: boolean): HttpProblem {
  return new HttpProblem(401, 'invalid_client', description, basic ? BASIC_CHALLENGE : {});
}

function sameSecret(a: string, b: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64, so `+` is a space. */
function formDecode(value: string, basic: boolean): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw invalidClient('The Authorization header is malformed', basic);
  }
}

function parseBasic(header: string): { id: string; secret: string } {
  const m = /^Basic +([A-Za-z0-9+/=._~-]+) *$/i.exec(header);
  if (!m) throw invalidClient('The Authorization header must use the Basic scheme', true);
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) throw invalidClient('The Authorization header is malformed', true);
  return { id: formDecode(decoded.slice(0, colon), true), secret: formDecode(decoded.slice(colon + 1), true) };
}

/**
 * Authenticates the client of a token-endpoint request, as Roblox does: a Basic header or `client_id` and
 * `client_secret` in the body, but never both (400). Confidential clients must present their secret (401);
 * public clients send `client_id` only.
 */
export function authenticateClient(req: IncomingMessage, params: Params, clients: ReadonlyMap<string, EmulatorClient>): AuthenticatedClient {
  const header = req.headers.authorization;
  const bodyId = param(params, 'client_id');
  const bodySecret = param(params, 'client_secret');
  let id: string | undefined;
  let secret: string | undefined;
  let basic = false;

  if (header !== undefined && header !== '') {
    const creds = parseBasic(header);
    basic = true;
    if (bodySecret !== undefined) throw invalidRequest('Send client credentials once: in the Authorization header or in the body, not both');
    if (bodyId !== undefined && bodyId !== creds.id) throw invalidRequest('client_id in the body differs from the Authorization header');
    id = creds.id;
    secret = creds.secret === '' ? undefined : creds.secret;
  } else {
    id = bodyId;
    secret = bodySecret;
  }

  if (id === undefined) throw invalidClient('Client authentication is required', basic);
  const client = clients.get(id);
  if (!client) throw invalidClient('Client authentication failed', basic);
  if (client.clientSecret === undefined) {
    if (secret !== undefined) throw invalidClient('Client authentication failed', basic);
    return { client, method: 'none' };
  }
  if (secret === undefined || !sameSecret(secret, client.clientSecret)) throw invalidClient('Client authentication failed', basic);
  return { client, method: basic ? 'client_secret_basic' : 'client_secret_post' };
}
