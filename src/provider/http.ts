import http from 'node:http';
import https from 'node:https';
import {
  RobloxConfigurationError,
  RobloxNetworkError,
  RobloxOAuthError,
  RobloxResponseError,
  RobloxTimeoutError,
} from '../errors';
import { isObject } from '../tokens/is-object';
import { oauthErrorCode, providerText } from './provider-text';

/** How a confidential client authenticates at the token endpoints. Roblox accepts either, never both. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** The client credentials sent with every token-endpoint call. */
export interface ClientCredentials {
  clientID: string;
  /** Omit for a public client: only `client_id` is sent, and PKCE carries the proof. */
  clientSecret?: string | undefined;
  /** Defaults to `client_secret_basic`. */
  authMethod?: ClientAuthMethod | undefined;
}

/** A provider response, read whole. */
export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** What was asked, for messages: method, origin and path (never the query, which may carry tokens). */
  where: () => string;
  /** The secrets this request carried, redacted from any provider text kept from the answer. */
  secrets: readonly string[];
}

/** Options of one outbound call. */
export interface RequestOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Milliseconds for the whole exchange: connect, send, and read the full body. */
  timeout: number;
  headers?: Record<string, string>;
  body?: string;
  /** Responses larger than this are refused (default 1 MiB). */
  maxBytes?: number;
  /** Secrets, codes and tokens the request carries: redacted from provider text kept from the answer. */
  secrets?: readonly string[];
}

// Connections are reused across logins: a login makes several calls to the same host.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 }),
};

// Endpoint URLs repeat on every login: parse each once. Bounded, since a URL could come from anywhere.
const parsed = new Map<string, URL>();

function toURL(target: string | URL): URL {
  if (typeof target !== 'string') return target;
  let url = parsed.get(target);
  if (!url) {
    url = new URL(target);
    if (parsed.size >= 64) parsed.clear();
    parsed.set(target, url);
  }
  return url;
}

/** Describes a URL for messages without its query string (which may carry tokens). */
export function describeURL(url: URL | string): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  return `${u.origin}${u.pathname}`;
}

/**
 * Sends one request with a hard timeout and reads the whole body.
 * Rejects with RobloxTimeoutError, RobloxNetworkError or RobloxResponseError (body too large).
 */
export function request(target: string | URL, options: RequestOptions): Promise<HttpResponse> {
  const url = toURL(target);
  // Built only for messages: a login makes several calls, and most never fail.
  const where = () => `${options.method} ${describeURL(url)}`;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const transport = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
  if (!transport) return Promise.reject(new RobloxNetworkError(`Unsupported protocol for ${where()}`));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));

  const secrets = options.secrets ?? [];

  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, res?: HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res as HttpResponse);
    };
    let req: http.ClientRequest;
    try {
      req = transport.request(url, {
        method: options.method,
        headers,
        agent: agents[url.protocol as 'http:' | 'https:'],
      });
    } catch {
      // Node refuses header values with characters HTTP forbids (e.g. a stored token with a newline). Its message
      // quotes the header; ours names none of it.
      reject(new RobloxConfigurationError(`${where()} was not sent: a token or credential contains characters that cannot go into an HTTP header`));
      return;
    }
    const timer = setTimeout(() => {
      finish(new RobloxTimeoutError(`${where()} did not answer within ${options.timeout} ms`));
      req.destroy();
    }, options.timeout);
    req.on('error', (cause) => finish(new RobloxNetworkError(`${where()} failed: ${(cause as NodeJS.ErrnoException).code ?? 'network error'}`, { cause })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish(new RobloxResponseError(`${where()} answered more than ${maxBytes} bytes`, res.statusCode ?? 0));
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (cause) => finish(new RobloxNetworkError(`${where()} failed while reading the response`, { cause })));
      res.on('end', () =>
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), where, secrets }),
      );
    });
    req.end(options.body);
  });
}

/** Encodes a form body, leaving out undefined values. */
export function encodeForm(fields: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) params.append(k, v);
  return params.toString();
}

/**
 * Adds client authentication to a token-endpoint form: a Basic header (RFC 6749 §2.3.1 encoding)
 * or `client_id` and `client_secret` in the body, never both. Public clients send `client_id` only.
 */
export function withClientAuth(
  credentials: ClientCredentials,
  fields: Record<string, string | undefined>,
): { headers: Record<string, string>; fields: Record<string, string | undefined> } {
  const { clientID, clientSecret } = credentials;
  if (clientSecret === undefined || clientSecret === '') return { headers: {}, fields: { ...fields, client_id: clientID } };
  if (credentials.authMethod === 'client_secret_post') {
    return { headers: {}, fields: { ...fields, client_id: clientID, client_secret: clientSecret } };
  }
  const basic = Buffer.from(`${formEncode(clientID)}:${formEncode(clientSecret)}`).toString('base64');
  return { headers: { authorization: `Basic ${basic}` }, fields };
}

/** Everything secret in a token-endpoint call: the client secret, the Basic credential, codes, verifiers, tokens. */
function secretsOf(auth: { headers: Record<string, string>; fields: Record<string, string | undefined> }, clientSecret: string | undefined): string[] {
  const secrets: string[] = clientSecret ? [clientSecret] : [];
  for (const [name, value] of Object.entries(auth.fields)) {
    if (value !== undefined && !PUBLIC_FIELDS.has(name)) secrets.push(value);
  }
  const basic = auth.headers.authorization?.replace(/^Basic /, '');
  if (basic) secrets.push(basic, Buffer.from(basic, 'base64').toString('utf8'));
  return secrets;
}

/** Form fields that are not secret: echoing them back is harmless. */
const PUBLIC_FIELDS = new Set(['grant_type', 'client_id', 'redirect_uri', 'scope', 'token_type_hint']);

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** Parses a JSON body as `unknown`; anything else is a RobloxResponseError. */
export function parseJson(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body) as unknown;
  } catch {
    // No cause: JSON.parse's message quotes the body, and the body is provider text.
    throw new RobloxResponseError(`${res.where()} answered ${res.status} with a body that is not JSON`, res.status);
  }
}


/**
 * Turns a non-2xx answer into the right error: an OAuth error (in a JSON body, or for a 401 only in
 * `WWW-Authenticate` as RFC 6750 allows) becomes RobloxOAuthError; anything else (5xx pages, broken JSON) a
 * RobloxResponseError. Returns nothing for 2xx. Provider text is kept only sanitized (see provider-text.ts).
 */
export function checkStatus(res: HttpResponse): void {
  if (res.status >= 200 && res.status < 300) return;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  if (isObject(body) && typeof body.error === 'string' && res.status < 500) {
    throw new RobloxOAuthError(oauthErrorCode(body.error), providerText(body.error_description, res.secrets), res.status);
  }
  const challenge = res.status === 401 ? bearerChallenge(res.headers['www-authenticate']) : undefined;
  if (challenge) throw new RobloxOAuthError(challenge.error, providerText(challenge.description, res.secrets), res.status);
  throw new RobloxResponseError(`${res.where()} answered HTTP ${res.status}`, res.status);
}

/**
 * Reads a Bearer challenge (RFC 6750 §3). A 401 with a Bearer challenge refuses the token even without an
 * `error` attribute (a request without usable credentials), so that case reads as `invalid_token`. Node joins
 * repeated `WWW-Authenticate` headers with ", ", so the Bearer challenge may follow another one.
 */
function bearerChallenge(header: string | undefined): { error: string; description: string | undefined } | undefined {
  const params = header === undefined ? undefined : bearerParams(header.slice(0, 4096));
  if (params === undefined) return undefined;
  const attr = (name: string): string | undefined => {
    const m = new RegExp(`(?:^|[\\s,])${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,]*))`, 'i').exec(params);
    return m ? (m[1] ?? m[2]) : undefined;
  };
  const error = attr('error');
  return { error: error === undefined ? 'invalid_token' : oauthErrorCode(error), description: attr('error_description') };
}

/**
 * The text after the `Bearer` scheme of a challenge list (RFC 7235 §4.1), or undefined when no challenge is Bearer.
 * A scheme starts the value or follows a comma; commas and scheme names inside quoted strings do not count.
 */
function bearerParams(value: string): string | undefined {
  let quoted = false;
  let escaped = false;
  let atStart = true;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      atStart = false;
    } else if (c === ',') {
      atStart = true;
    } else if (c !== ' ' && c !== '\t') {
      if (atStart && /^bearer(?:[ \t,]|$)/i.test(value.slice(i, i + 7))) return value.slice(i + 6);
      atStart = false;
    }
  }
  return undefined;
}

/** POSTs a form (with client authentication) and returns the parsed JSON body of a 2xx answer. */
export async function postForm(
  url: string,
  credentials: ClientCredentials,
  fields: Record<string, string | undefined>,
  timeout: number,
): Promise<{ res: HttpResponse; json: unknown }> {
  const auth = withClientAuth(credentials, fields);
  const res = await request(url, {
    method: 'POST',
    timeout,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth.headers },
    body: encodeForm(auth.fields),
    secrets: secretsOf(auth, credentials.clientSecret),
  });
  checkStatus(res);
  return { res, json: res.body.length === 0 ? undefined : parseJson(res) };
}

/** GETs JSON, optionally with a Bearer token, and returns the parsed body of a 2xx answer. */
export async function getJson(url: string, timeout: number, bearer?: string): Promise<unknown> {
  const res = await request(url, {
    method: 'GET',
    timeout,
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    secrets: bearer ? [bearer] : [],
  });
  checkStatus(res);
  return parseJson(res);
}

/**
 * True for hosts on which plain http is acceptable: `localhost`, 127.0.0.0/8 and `::1`. Names under
 * `.localhost` are refused: not every resolver pins them to loopback, so they could reach the network.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}
