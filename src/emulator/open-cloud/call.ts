import type { IncomingMessage } from 'node:http';
import type { EmulatorContext } from '../context';
import type { Grant, TokenRecord } from '../grants';
import { readBody, type Params } from '../http-io';
import type { EmulatorUser } from '../types';
import { v2 } from './problem';
import type { OpenCloudData } from './seed';
import type { PublishedMessage, ServerRestart } from './types';

/** What the Open Cloud remembers while running: thumbnail operations, messages, restarts. */
export interface OpenCloudState {
  data: OpenCloudData;
  operations: Map<string, { user: string; pollsLeft: number; imageUri: string }>;
  messages: PublishedMessage[];
  restarts: ServerRestart[];
}

/** One authenticated Open Cloud request. */
export interface CloudCall {
  ctx: EmulatorContext;
  state: OpenCloudState;
  req: IncomingMessage;
  /** The path's variable segments, in order. */
  params: string[];
  query: Params;
  token: TokenRecord;
  grant: Grant;
  user: EmulatorUser;
}

/** The body of an answer: JSON, or `''` for Roblox's empty 200. */
export type CloudBody = Record<string, unknown> | '';

/** Whether the token carries a scope. */
export const hasScope = (call: CloudCall, scope: string): boolean => call.token.scope.includes(scope);

/** Whether the user shared this universe with the app on the consent page (their own or one of a group's). */
export function universeShared(call: CloudCall, universeId: string): boolean {
  const r = call.grant.resources;
  return r.universes.includes(universeId) || r.groups.some((g) => g.universes.includes(universeId));
}

/** Reads a JSON object body: Roblox answers 400 INVALID_ARGUMENT for another content type or malformed JSON. */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw v2('INVALID_ARGUMENT', 'Content-Type must be application/json.');
  let text: string;
  try {
    text = await readBody(req);
  } catch {
    throw v2('INVALID_ARGUMENT', 'The request body could not be read.');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw v2('INVALID_ARGUMENT', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw v2('INVALID_ARGUMENT', 'The request body must be a JSON object.');
  return body as Record<string, unknown>;
}
