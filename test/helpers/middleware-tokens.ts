import { createHash, randomBytes } from 'node:crypto';
import { RobloxClient, type RobloxClientOptions } from '../../src/provider/client';
import type { TokenSet } from '../../src/tokens/token-set';
import type { RobloxEmulator } from '../../src/emulator';
import { ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } from '../../src/emulator';

/** A redirect URI the emulator's default clients accept (any loopback URI); nothing listens there. */
export const TEST_REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** A RobloxClient for the emulator's default confidential client. */
export function emulatorClient(emu: RobloxEmulator, options: Partial<RobloxClientOptions> = {}): RobloxClient {
  return new RobloxClient({
    clientID: ROBLOX_EMULATOR_CLIENT_ID,
    clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
    issuer: emu.issuer,
    timeout: 2_000,
    ...options,
  });
}

/**
 * Drives the emulator's authorize endpoint over HTTP (the emulator must auto-approve) and exchanges the code:
 * a login without a browser or an app, for tests of RobloxClient.
 */
export async function obtainTokens(
  emu: RobloxEmulator,
  client: RobloxClient,
  options: { scope?: string[]; sub?: string } = {},
): Promise<TokenSet> {
  const scope = options.scope ?? ['openid', 'profile'];
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const nonce = randomBytes(16).toString('base64url');
  const url = new URL(emu.endpoints.authorization);
  url.search = new URLSearchParams({
    client_id: client.clientID,
    redirect_uri: TEST_REDIRECT_URI,
    response_type: 'code',
    scope: scope.join(' '),
    state,
    nonce,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const previous = emu.autoApprove;
  if (options.sub !== undefined) emu.autoApprove = options.sub;
  let location: string | null;
  try {
    const res = await fetch(url, { redirect: 'manual' });
    location = res.headers.get('location');
    await res.arrayBuffer();
    if (res.status !== 302 || !location) throw new Error(`authorize answered ${res.status} without a redirect`);
  } finally {
    emu.autoApprove = previous;
  }
  const back = new URL(location);
  const code = back.searchParams.get('code');
  if (back.searchParams.get('state') !== state || !code) throw new Error(`authorize redirected without a code: ${back.searchParams.get('error')}`);
  const { tokens } = await client.exchangeCode({ code, codeVerifier: verifier, redirectUri: TEST_REDIRECT_URI, scope });
  if (tokens.idToken) await client.verifyIdToken(tokens.idToken, { nonce });
  return tokens;
}
