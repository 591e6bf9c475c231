import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Largest request body accepted (bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Parsed form or query parameters. Every name appears at most once. */
export type Params = ReadonlyMap<string, string>;

/**
 * Makes text fit for `error_description`, which RFC 6749 (§4.1.2.1, §5.2) and RFC 6750 (§3) restrict to
 * %x20-21 / %x23-5B / %x5D-7E: `"` becomes `'`, `\` becomes `/`, any other character outside that set `?`.
 */
export function descriptionText(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/gu, (c) => (c === '"' ? "'" : c === '\\' ? '/' : '?'));
}

/** A request the emulator refuses, answered as an OAuth error `{ error, error_description }`. */
export class HttpProblem extends Error {
  /** The error_description, made to conform (see {@link descriptionText}). */
  readonly description: string;

  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    readonly headers: OutgoingHttpHeaders = {},
  ) {
    const text = descriptionText(description);
    super(text);
    this.description = text;
  }
}

/** Shorthand for a 400 `invalid_request`. */
export const invalidRequest = (description: string): HttpProblem => new HttpProblem(400, 'invalid_request', description);

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** Sends a JSON body. Token-bearing answers pass `noStore`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}, noStore = true): void {
  sendRaw(res, status, JSON.stringify(body), 'application/json; charset=utf-8', noStore ? { ...NO_STORE, ...headers } : headers);
}

/** Sends a body as is. */
export function sendRaw(res: ServerResponse, status: number, body: string, contentType: string | undefined, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  const h: OutgoingHttpHeaders = { ...headers, 'content-length': Buffer.byteLength(body) };
  if (contentType !== undefined) h['content-type'] = contentType;
  res.writeHead(status, h);
  res.end(body);
}

/** Sends an OAuth error body; never includes a submitted value. */
export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  sendJson(res, problem.status, { error: problem.error, error_description: problem.description }, problem.headers);
}

/** Sends an HTML page that loads nothing from elsewhere and cannot be framed. */
export function sendHtml(res: ServerResponse, status: number, html: string): void {
  sendRaw(res, status, html, 'text/html; charset=utf-8', {
    ...NO_STORE,
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
}

/**
 * Redirects to a URI with parameters added to its query (used for authorization responses). The URI is the
 * registered (already validated) string exactly, never a normalized rewrite of it: the parameters are appended
 * after `?` (or `&` when it has a query). Redirect URIs never have a fragment (registration and the loopback
 * check refuse `#`). An `error_description` is made to conform (see {@link descriptionText}).
 */
export function redirectWith(res: ServerResponse, uri: string, params: Record<string, string | undefined>): void {
  if (uri.includes('#')) throw new Error('redirect URIs have no fragment');
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) query.append(k, k === 'error_description' ? descriptionText(v) : v);
  }
  const added = query.toString();
  const sep = added === '' ? '' : !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  if (res.headersSent || res.destroyed) return;
  res.writeHead(302, { location: `${uri}${sep}${added}`, 'content-length': 0, ...NO_STORE, 'referrer-policy': 'no-referrer' });
  res.end();
}

function describe(name: string): string {
  return /^[a-z_]{1,32}$/.test(name) ? `the ${name} parameter` : 'a parameter';
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest('The request has malformed percent-encoding');
  }
}

/**
 * Parses `application/x-www-form-urlencoded` text strictly: bad percent-encoding and repeated parameters are
 * refused (RFC 6749 §3.1: parameters MUST NOT be included more than once).
 */
export function parseParams(raw: string): Params {
  const out = new Map<string, string>();
  if (raw === '') return out;
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq === -1 ? part : part.slice(0, eq));
    const value = decode(eq === -1 ? '' : part.slice(eq + 1));
    if (out.has(name)) throw invalidRequest(`The request repeats ${describe(name)}`);
    out.set(name, value);
  }
  return out;
}

/** A parameter's value; empty values count as absent (RFC 6749 §3.1). */
export function param(params: Params, name: string): string | undefined {
  const v = params.get(name);
  return v === undefined || v === '' ? undefined : v;
}

/** Reads a whole body, refusing more than `limit` bytes with 413 (the rest is discarded by Node). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () => new HttpProblem(413, 'invalid_request', `The request body is larger than ${limit} bytes`);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: HttpProblem | undefined) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge());
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(undefined));
    req.on('error', () => {
      if (!done) finish(new HttpProblem(400, 'invalid_request', 'The request body could not be read'));
    });
    // 'close' before 'end' means the client went away mid-body; settle so that nothing waits forever.
    req.on('close', () => {
      if (!done) finish(new HttpProblem(400, 'invalid_request', 'The request was aborted'));
    });
  });
}

/** Reads and parses a form body: 415 for any other content type, 413 for a huge one, 400 for a malformed one. */
export async function readForm(req: IncomingMessage): Promise<Params> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new HttpProblem(415, 'invalid_request', 'The Content-Type must be application/x-www-form-urlencoded');
  }
  return parseParams(await readBody(req));
}

/** Splits a raw request target into path and query (neither decoded). */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q === -1 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}
