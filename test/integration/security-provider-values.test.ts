// Issue 9, rules 2, 4, 5 and 6 over real HTTP against the emulator: every provider value is checked before it is
// exposed, faults classify by the README's table, caches only improve, and RFC 9207 is honoured fully.
import request from 'supertest';
import type { RobloxProfile } from '../../src';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { beginLogin, authorizeAt, finishLogin, login } from '../helpers/login';

const emu = useEmulator();

async function discoveryWith(patch: Record<string, unknown>): Promise<string> {
  const doc = (await (await fetch(emu().endpoints.discovery)).json()) as Record<string, unknown>;
  return JSON.stringify({ ...doc, ...patch });
}

describe('rule 2: provider values are checked before they are exposed', () => {
  it('a javascript: profile URL, a javascript: picture and a far-future created_at never reach the typed profile', async () => {
    const seen: RobloxProfile[] = [];
    const app = createTestApp({
      emulator: emu(),
      verify: async (_at: string, _rt: string | undefined, profile: RobloxProfile) => {
        seen.push(profile);
        return { id: profile.id, displayName: profile.displayName };
      },
    });
    emu().nextUserinfo({ profile: 'javascript:alert(document.cookie)', picture: 'javascript:alert(1)', created_at: 8.64e15 });
    expect((await login(request.agent(app), emu())).location).toBe('/');
    expect(seen).toHaveLength(1);
    const profile = seen[0] as RobloxProfile;
    expect(profile.profileUrl).toBeUndefined();
    expect(profile.photos).toEqual([]);
    expect(profile.createdAt).toBeUndefined();
    expect(profile._json).toMatchObject({ profile: 'javascript:alert(document.cookie)', created_at: 8.64e15 });
    expect(app.errors).toEqual([]);
  });

  it('an expires_in of 1e308 at login is a typed response error (502), and nobody is signed in', async () => {
    const app = createTestApp({ emulator: emu() });
    const agent = request.agent(app);
    emu().nextTokenResponse({ expires_in: 1e308 });
    const result = await login(agent, emu());
    expect(result.callback?.status).toBe(502);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('expires_in') })]);
    expect((await agent.get('/me')).body.authenticated).toBe(false);
  });
});

describe('rule 4: faults classify by the table', () => {
  it('a provider that signs ID tokens only with HMAC or none is refused at discovery: no login starts, no code is redeemed', async () => {
    for (const algs of [['HS256'], ['none'], ['HS256', 'none']]) {
      const app = createTestApp({ emulator: emu() });
      emu().failNext('discovery', { status: 200, body: await discoveryWith({ id_token_signing_alg_values_supported: algs }) });
      emu().resetCounters();
      const start = await request(app).get('/auth/roblox');
      expect(start.status).toBe(502);
      expect(start.headers.location).toBeUndefined();
      expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_DISCOVERY', message: expect.stringContaining('algorithms this library refuses') })]);
      expect(emu().counters).toMatchObject({ authorize: 0, token: 0 });
    }
  });

  it('userinfo answering 401 right after a successful exchange is a provider fault (502), not the user\'s', async () => {
    for (const body of ['{"error":"invalid_token"}', '']) {
      const app = createTestApp({ emulator: emu() });
      const agent = request.agent(app);
      emu().failNext('userinfo', { status: 401, body });
      const result = await login(agent, emu());
      expect(result.callback?.status).toBe(502);
      expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', status: 502 })]);
      expect((await agent.get('/me')).body.authenticated).toBe(false);
    }
  });

  it('an access token whose characters cannot go into an HTTP header is a typed response error (502), not a TypeError', async () => {
    const app = createTestApp({ emulator: emu() });
    emu().nextTokenResponse({ access_token: 'at\r\nX-Injected: yes' });
    const result = await login(request.agent(app), emu());
    expect(result.callback?.status).toBe(502);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('access_token') })]);
  });
});

describe('rule 5: caches only improve', () => {
  it('a JWKS refetch that yields no key does not replace the working key set', async () => {
    const app = createTestApp({ emulator: emu(), strategyOptions: { jwksCooldown: 60_000 } });
    expect((await login(request.agent(app), emu())).location).toBe('/');
    // A token naming an unknown kid makes the verifier refetch; the provider answers an empty set.
    emu().nextIdToken({ signWith: 'foreign', header: { kid: 'unknown-kid' } });
    emu().failNext('jwks', { status: 200, body: '{"keys":[]}' });
    const refused = await login(request.agent(app), emu());
    expect(refused.callback?.status).toBe(502);
    expect(app.errors).toEqual([expect.objectContaining({ code: 'ERR_ROBLOX_RESPONSE', message: expect.stringContaining('no usable signing key') })]);
    // Within the cooldown, logins signed with the real key still verify against the kept set.
    for (let i = 0; i < 2; i++) expect((await login(request.agent(app), emu())).location).toBe('/');
  });
});

describe('rule 6: RFC 9207 when the provider advertises it', () => {
  async function appAdvertisingIss() {
    const app = createTestApp({ emulator: emu() });
    emu().failNext('discovery', { status: 200, body: await discoveryWith({ authorization_response_iss_parameter_supported: true }) });
    return app;
  }

  it('refuses a callback without iss', async () => {
    const agent = request.agent(await appAdvertisingIss());
    const result = await login(agent, emu());
    expect(result.location).toBe('/login-failed');
    expect((await agent.get('/login-failed')).body.messages).toEqual(['The sign-in response did not say which issuer sent it. Please sign in again.']);
    expect((await agent.get('/me')).body.authenticated).toBe(false);
  });

  it('accepts the callback with the right iss, and refuses a wrong one', async () => {
    const app = await appAdvertisingIss();
    for (const [iss, location] of [['http://evil.example/oauth/', '/login-failed'], [emu().issuer, '/']] as const) {
      const agent = request.agent(app);
      const { authorizeURL } = await beginLogin(agent);
      const callbackURL = await authorizeAt(authorizeURL);
      callbackURL.searchParams.set('iss', iss);
      expect((await finishLogin(agent, callbackURL)).headers.location).toBe(location);
    }
  });

  it('a provider that does not advertise it (Roblox today) is not required to send iss', async () => {
    const app = createTestApp({ emulator: emu() });
    expect((await login(request.agent(app), emu())).location).toBe('/');
  });
});
