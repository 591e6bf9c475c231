import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { RobloxEmulator } from '../../src/emulator';
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID } from '../helpers/emulator';

export { CLIENT_ID, CLIENT_SECRET, PUBLIC_CLIENT_ID };
export const REDIRECT_URI = CALLBACK_URL;

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: () => any;
}

/** One HTTP request sent exactly as given (no URL normalization), read whole. */
export function raw(
  emu: RobloxEmulator,
  options: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer; timeout?: number },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: emu.port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.timeout) req.setTimeout(options.timeout, () => req.destroy(new Error('client timeout')));
    req.end(options.body);
  });
}

/** Encodes a form, keeping repeated names and undefined out. */
export function form(fields: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) p.append(k, v);
  return p.toString();
}

/** RFC 6749 §2.3.1 Basic credentials. */
export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

/** POSTs a form to an emulator path. */
export function post(emu: RobloxEmulator, path: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const body = form(fields);
  return raw(emu, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), ...headers },
    body,
  });
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** GETs v1/authorize with these parameters. */
export function authorize(emu: RobloxEmulator, params: Record<string, string | undefined>): Promise<RawResponse> {
  return raw(emu, { path: `/oauth/v1/authorize?${form(params)}` });
}

/** The query parameters of a redirect's Location. */
export function locationParams(res: RawResponse): URLSearchParams {
  expect(res.status).toBe(302);
  return new URL(res.headers.location as string).searchParams;
}

export interface FlowOptions {
  clientId?: string;
  clientSecret?: string;
  auth?: 'basic' | 'post' | 'none';
  scope?: string;
  nonce?: string;
  redirectUri?: string;
  usePkce?: boolean;
}

/** Gets a code through an auto-approving emulator. */
export async function getCode(emu: RobloxEmulator, o: FlowOptions = {}): Promise<{ code: string; verifier: string | undefined }> {
  const p = o.usePkce === false ? undefined : pkce();
  const res = await authorize(emu, {
    client_id: o.clientId ?? CLIENT_ID,
    redirect_uri: o.redirectUri ?? REDIRECT_URI,
    response_type: 'code',
    scope: o.scope ?? 'openid profile',
    state: 'st',
    nonce: o.nonce,
    code_challenge: p?.challenge,
    code_challenge_method: p ? 'S256' : undefined,
  });
  const q = locationParams(res);
  expect(q.get('error')).toBeNull();
  return { code: q.get('code') as string, verifier: p?.verifier };
}

/** Sends a token request with the chosen client authentication. */
export function tokenRequest(emu: RobloxEmulator, fields: Record<string, string | undefined>, o: FlowOptions = {}): Promise<RawResponse> {
  const id = o.clientId ?? CLIENT_ID;
  const secret = o.clientSecret ?? CLIENT_SECRET;
  const auth = o.auth ?? 'basic';
  if (auth === 'basic') return post(emu, '/oauth/v1/token', fields, { authorization: basic(id, secret) });
  if (auth === 'post') return post(emu, '/oauth/v1/token', { ...fields, client_id: id, client_secret: secret });
  return post(emu, '/oauth/v1/token', { ...fields, client_id: id });
}

/** A whole code flow: authorize (auto-approved) then the token exchange; returns the token response JSON. */
export async function flow(emu: RobloxEmulator, o: FlowOptions = {}): Promise<any> {
  const { code, verifier } = await getCode(emu, o);
  const res = await tokenRequest(emu, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: o.redirectUri ?? REDIRECT_URI }, o);
  expect(res.status).toBe(200);
  return res.json();
}

/** Client-authenticated POST to introspect / resources / revoke. */
export function clientPost(emu: RobloxEmulator, path: string, token: string): Promise<RawResponse> {
  return post(emu, path, { token }, { authorization: basic(CLIENT_ID, CLIENT_SECRET) });
}

export function userinfo(emu: RobloxEmulator, accessToken: string): Promise<RawResponse> {
  return raw(emu, { path: '/oauth/v1/userinfo', headers: { authorization: `Bearer ${accessToken}` } });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
