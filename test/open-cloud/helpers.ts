import type { RobloxEmulator } from '../../src/emulator';
import type { RobloxClient } from '../../src/provider/client';
import type { TokenSet } from '../../src/tokens/token-set';
import { OpenCloudClient, type OpenCloudClientOptions } from '../../src/open-cloud';
import { obtainTokens } from '../helpers/middleware-tokens';

/** The default emulator users and what they hold. */
export const ME = '1516563360'; // owns universe 3828411582, private inventory of 20 items, member of group 7654321
export const OTHER = '2067243959'; // public inventory, admin of group 7654321
export const OWNER = '12345678'; // owns group 7654321 (25 members) and its universe 4829112345
export const MY_UNIVERSE = '3828411582';
export const GROUP = '7654321';
export const GROUP_UNIVERSE = '4829112345';

export const ALL_SCOPES = [
  'openid', 'profile', 'user.advanced:read', 'user.social:read', 'user.inventory-item:read', 'group:read',
  'universe-messaging-service:publish', 'universe:write',
];

/** Signs in over HTTP (no app) and returns an OpenCloudClient for that user, with the tokens it stored. */
export async function cloudFor(
  emu: RobloxEmulator,
  client: RobloxClient,
  options: { sub?: string; scope?: string[] } & Partial<OpenCloudClientOptions> = {},
): Promise<{ cloud: OpenCloudClient; tokens: TokenSet; saved: TokenSet[]; ended: number[] }> {
  const { sub, scope, ...rest } = options;
  const tokens = await obtainTokens(emu, client, { sub: sub ?? ME, scope: scope ?? ALL_SCOPES });
  const saved: TokenSet[] = [];
  const ended: number[] = [];
  const cloud = new OpenCloudClient({
    client,
    tokens,
    onTokens: (t) => {
      saved.push(t);
    },
    onGrantEnded: () => {
      ended.push(Date.now());
    },
    ...rest,
  });
  return { cloud, tokens, saved, ended };
}

/** A raw Open Cloud call to the emulator with a bearer token. */
export async function raw(emu: RobloxEmulator, path: string, init: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await fetch(`${emu.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as Record<string, unknown> };
}
