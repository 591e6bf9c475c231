import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import type { IdTokenTweak } from '../../src/emulator';
import { createTestApp } from '../helpers/app';
import { CLIENT_ID, CLIENT_SECRET, modeEmulators, REFRESH_MODES } from '../helpers/emulator';
import { login, type Agent } from '../helpers/login';

const { use: useModeEmulator, emu } = modeEmulators();
const now = () => Math.floor(Date.now() / 1000);

/** Logs in once with the next ID token bent by `tweak`; returns what the user and the app ended with. */
async function loginWithIdToken(tweak: IdTokenTweak) {
  const app = createTestApp({ emulator: emu() });
  const agent = request.agent(app);
  emu().nextIdToken(tweak);
  const result = await login(agent, emu());
  return { app, agent, result, ...(await outcome(agent)) };
}

async function outcome(agent: Agent) {
  const me = (await agent.get('/me')).body;
  const messages = (await agent.get('/login-failed')).body.messages as string[];
  return { me, messages };
}

const publicKeyPem = () => createPublicKey({ key: emu().jwks().keys[0] as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();

describe.each(REFRESH_MODES)('RobloxStrategy refuses ID tokens that do not verify, refresh answers %s', (_mode: string, refreshIdToken: boolean) => {
  useModeEmulator({ refreshIdToken });

  const cases: Array<[string, () => IdTokenTweak, RegExp]> = [
    ['a corrupted signature', () => ({ corruptSignature: true }), /signature verification failed/],
    ['a signature by a key that is not in the JWKS', () => ({ signWith: 'foreign' }), /signature verification failed/],
    ['a foreign key with an unknown kid', () => ({ signWith: 'foreign', header: { kid: 'attacker-key' } }), /no key in the provider JWKS/],
    ['alg none', () => ({ signWith: 'none' }), /signing algorithm not allowed/],
    ['HS256 signed with the provider public key bytes', () => ({ signWith: { secret: publicKeyPem() } }), /signing algorithm not allowed/],
    ['HS256 signed with the client secret', () => ({ signWith: { secret: CLIENT_SECRET } }), /signing algorithm not allowed/],
    ['a wrong iss', () => ({ claims: { iss: 'https://evil.example/oauth/' } }), /"iss"/],
    ['an issuer without the trailing slash', () => ({ claims: { iss: emu().issuer.replace(/\/$/, '') } }), /"iss"/],
    ['a wrong aud', () => ({ claims: { aud: 'another-client' } }), /"aud"/],
    ['several audiences without azp', () => ({ claims: { aud: [CLIENT_ID, 'another-client'] } }), /"azp"/],
    ['several audiences with a wrong azp', () => ({ claims: { aud: [CLIENT_ID, 'another-client'], azp: 'another-client' } }), /"azp"/],
    ['an azp naming another client', () => ({ claims: { azp: 'another-client' } }), /"azp"/],
    ['an expired token', () => ({ claims: { exp: now() - 3600, iat: now() - 7200, nbf: now() - 7200 } }), /"exp"/],
    ['iat in the future', () => ({ claims: { iat: now() + 3600 } }), /"iat"/],
    ['nbf in the future', () => ({ claims: { nbf: now() + 3600 } }), /"nbf"/],
    ['a missing sub', () => ({ claims: { sub: undefined } }), /"sub"/],
    ['an empty sub', () => ({ claims: { sub: '' } }), /"sub"/],
    ['a missing nonce', () => ({ claims: { nonce: undefined } }), /"nonce"/],
    ['a nonce of another login', () => ({ claims: { nonce: 'nonce-of-another-login-0000000000000000000' } }), /"nonce"/],
    ['something that is not a JWT', () => () => 'not.a.jwt', /the token is not a valid signed JWT/],
  ];

  it.each(cases)('%s', async (_name, tweak, reason) => {
    const { result, me, messages, app } = await loginWithIdToken(tweak());
    expect(result.location).toBe('/login-failed');
    expect(me.authenticated).toBe(false);
    expect(me.session.robloxTokens).toBeUndefined();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^The ID token from Roblox could not be verified \(/);
    expect(messages[0]).toMatch(reason);
    expect(emu().counters.userinfo).toBe(0);
    expect(app.errors).toEqual([]);
  });

  it('tolerates clock skew within clockTolerance', async () => {
    const { result, me } = await loginWithIdToken({ claims: { iat: now() + 10, nbf: now() + 10 } });
    expect(result.location).toBe('/');
    expect(me.authenticated).toBe(true);
  });

  it('refuses userinfo that belongs to another user than the ID token', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    emu().nextUserinfo({ sub: '2067243959' });
    const result = await login(agent, emu());
    const { me, messages } = await outcome(agent);
    expect(result.location).toBe('/login-failed');
    expect(me.authenticated).toBe(false);
    expect(messages).toEqual(['Roblox returned user info for a different user than the ID token.']);
  });

  // Every login asks for openid; a provider that leaves openid out of the granted scope does not make the ID token optional.
  it.each(['openid profile', 'profile'])('refuses a token response without an ID token (granted scope %p)', async (granted) => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    emu().failNext('token', { status: 200, body: JSON.stringify({ access_token: 'at', token_type: 'Bearer', expires_in: 899, scope: granted }) });
    const result = await login(agent, emu());
    expect(result.location).toBe('/login-failed');
    expect((await outcome(agent)).messages).toEqual(['Roblox did not return an ID token for this sign-in.']);
  });

  it('keeps logging users in across a key rotation (unknown kid: the JWKS is refetched once)', async () => {
    const app = createTestApp({ emulator: emu() });
    const first = await login(request.agent(app), emu());
    expect(first.location).toBe('/');
    const { kid } = await emu().rotateKeys({ keepPrevious: false });
    const agent = request.agent(app);
    const second = await login(agent, emu());
    expect(second.location).toBe('/');
    expect((await agent.get('/me')).body.authenticated).toBe(true);
    expect(emu().counters.jwks).toBe(2);
    expect(emu().jwks().keys.map((k) => k.kid)).toEqual([kid]);
  });
});
