import { createRobloxEmulator, type RobloxEmulator } from '../../src/emulator';
import { authorize, CLIENT_ID, clientPost, locationParams, pkce, post, PUBLIC_CLIENT_ID, raw, REDIRECT_URI, tokenRequest, userinfo } from './helpers';

const APP_REDIRECT = 'https://app.example/callback';
/** Registered redirect URIs that URL normalization would rewrite. */
const EXACT_REDIRECTS = ['https://App.Example/a/../cb?flag', 'https://app.example:443/cb', 'https://app.example/cb?a=%7e&b=c+d', 'https://app.example/q?'];
let emu: RobloxEmulator;

beforeAll(async () => {
  emu = await createRobloxEmulator({
    clients: [
      { clientId: 'evil-app', clientSecret: 'x', name: '<script>alert("app")</script>', redirectUris: [APP_REDIRECT], scopes: ['openid', 'profile', 'x<y>"z'] },
      { clientId: 'registered', clientSecret: 'reg-secret', redirectUris: [APP_REDIRECT] },
      { clientId: 'exact', clientSecret: 'exact-secret', redirectUris: EXACT_REDIRECTS },
    ],
    users: [{ sub: '424242', username: 'hacker<b>', displayName: 'Bob "<img src=x onerror=alert(1)>"', createdAt: new Date('2021-01-02T00:00:00Z') }],
  });
});
afterAll(() => emu.close());
afterEach(() => {
  emu.autoApprove = false;
});

const base = (extra: Record<string, string | undefined> = {}) => ({
  client_id: CLIENT_ID,
  redirect_uri: REDIRECT_URI,
  response_type: 'code',
  scope: 'openid profile',
  state: 'state-123',
  ...extra,
});

/** Loads the consent page and returns it with its pending request ID. */
async function consent(params: Record<string, string | undefined>): Promise<{ html: string; requestId: string }> {
  const res = await authorize(emu, params);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  const m = /name="request_id" value="([^"]+)"/.exec(res.body);
  expect(m).not.toBeNull();
  return { html: res.body, requestId: (m as RegExpExecArray)[1] as string };
}

test('the consent page lists every user and the scopes, escapes everything, and loads nothing external', async () => {
  const res = await authorize(emu, base({ client_id: 'evil-app', redirect_uri: APP_REDIRECT, scope: 'openid x<y>"z', state: '"><script>s</script>' }));
  expect(res.status).toBe(200);
  const html = res.body;
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<img');
  expect(html).not.toContain('x<y>');
  expect(html).toContain('&#60;script&#62;alert(&#34;app&#34;)&#60;/script&#62;');
  expect(html).toContain('x&#60;y&#62;&#34;z');
  expect(html).toContain('hacker&#60;b&#62;');
  for (const sub of ['424242', '1516563360', '2067243959', '12345678']) expect(html).toContain(`name="user" value="${sub}"`);
  expect(html).toContain('name="decision" value="approve"');
  expect(html).toContain('name="decision" value="deny"');
  expect(html).toMatch(/<label for="user-0">/);
  expect(html).not.toMatch(/(src|href)="https?:/);
  expect(html).not.toContain('state'); // the state stays server-side
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  expect(res.headers['x-frame-options']).toBe('DENY');
  expect(res.headers['cache-control']).toBe('no-store');
});

test('approving on the consent page issues a code for the chosen user, and the pending ID is single-use', async () => {
  const p = pkce();
  const { requestId } = await consent(base({ code_challenge: p.challenge, code_challenge_method: 'S256' }));
  const res = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: '2067243959', decision: 'approve' });
  const q = locationParams(res);
  expect(res.headers.location?.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  expect(q.get('state')).toBe('state-123');
  expect(q.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);

  const token = await tokenRequest(emu, { grant_type: 'authorization_code', code: q.get('code') as string, code_verifier: p.verifier, redirect_uri: REDIRECT_URI });
  expect(token.status).toBe(200);
  const info = await raw(emu, { path: '/oauth/v1/userinfo', headers: { authorization: `Bearer ${token.json().access_token}` } });
  expect(info.json().sub).toBe('2067243959');

  const replay = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: '2067243959', decision: 'approve' });
  expect(replay.status).toBe(400);
  expect(replay.headers.location).toBeUndefined();
});

test('denying on the consent page returns access_denied with the state', async () => {
  const { requestId } = await consent(base());
  const q = locationParams(await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, decision: 'deny' }));
  expect(q.get('error')).toBe('access_denied');
  expect(q.get('state')).toBe('state-123');
  expect(q.get('code')).toBeNull();
});

test('the decision endpoint refuses forged or incomplete posts without redirecting', async () => {
  const forged = await post(emu, '/oauth/v1/authorize/decision', { request_id: 'guessed', user: '424242', decision: 'approve' });
  expect(forged.status).toBe(400);
  expect(forged.headers.location).toBeUndefined();

  const { requestId } = await consent(base());
  const crossSite = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: '424242', decision: 'approve' }, { origin: 'https://evil.example' });
  expect(crossSite.status).toBe(403);
  const unknownUser = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: '999', decision: 'approve' });
  expect(unknownUser.status).toBe(400);
  const badDecision = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: '424242', decision: 'maybe' });
  expect(badDecision.status).toBe(400);
  // None of those consumed the request: a proper decision still works.
  const ok = await post(emu, '/oauth/v1/authorize/decision', { request_id: requestId, user: '424242', decision: 'approve' }, { origin: emu.url });
  expect(locationParams(ok).get('code')).toBeTruthy();
});

test('autoApprove true approves as the first user, and a sub approves as that user', async () => {
  emu.autoApprove = true;
  expect(emu.users[0]?.sub).toBe('424242');
  const first = locationParams(await authorize(emu, base({ client_id: 'registered', redirect_uri: APP_REDIRECT })));
  const t1 = await tokenRequest(emu, { grant_type: 'authorization_code', code: first.get('code') as string }, { clientId: 'registered', clientSecret: 'reg-secret' });
  expect(t1.json().id_token).toBeDefined();
  const sub1 = JSON.parse(Buffer.from(t1.json().id_token.split('.')[1], 'base64url').toString()).sub;
  expect(sub1).toBe('424242');

  emu.autoApprove = '12345678';
  const second = locationParams(await authorize(emu, base({ client_id: 'registered', redirect_uri: APP_REDIRECT })));
  const t2 = await tokenRequest(emu, { grant_type: 'authorization_code', code: second.get('code') as string }, { clientId: 'registered', clientSecret: 'reg-secret' });
  expect(JSON.parse(Buffer.from(t2.json().id_token.split('.')[1], 'base64url').toString()).sub).toBe('12345678');
  expect(() => {
    emu.autoApprove = 'nobody';
  }).toThrow(/autoApprove/);
});

test('autoApprove given at creation as a sub', async () => {
  const other = await createRobloxEmulator({ autoApprove: '2067243959' });
  try {
    expect(other.autoApprove).toBe('2067243959');
    const q = locationParams(await authorize(other, { ...base(), state: undefined }));
    expect(q.get('code')).toBeTruthy();
    expect(q.has('state')).toBe(false);
  } finally {
    await other.close();
  }
});

test.each([
  ['an unknown client', { client_id: 'nope' }],
  ['a missing client_id', { client_id: undefined }],
  ['an unregistered redirect URI', { client_id: 'registered', redirect_uri: 'https://app.example/other' }],
  ['a redirect URI that differs only by a trailing slash', { client_id: 'registered', redirect_uri: `${APP_REDIRECT}/` }],
  ['a non-loopback redirect URI for the default client', { redirect_uri: 'https://evil.example/cb' }],
  ['a missing redirect URI', { redirect_uri: undefined }],
])('%s gets an HTML error page and no redirect', async (_name, extra) => {
  emu.autoApprove = true;
  const res = await authorize(emu, base(extra));
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).toContain('id="error-title"');
});

test('the default clients accept any loopback redirect URI', async () => {
  emu.autoApprove = true;
  for (const uri of ['http://localhost:8080/cb', 'http://127.0.0.1:1/x?y=1', 'http://[::1]:3000/auth']) {
    const res = await authorize(emu, base({ redirect_uri: uri }));
    expect(res.status).toBe(302);
    expect(res.headers.location?.startsWith(uri)).toBe(true);
  }
});

test.each([
  ['a public client without PKCE', { client_id: PUBLIC_CLIENT_ID }, 'invalid_request'],
  ['code_challenge_method=plain', { code_challenge: pkce().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
  ['a challenge without its method', { code_challenge: pkce().challenge }, 'invalid_request'],
  ['a malformed challenge', { code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
  ['a missing response_type', { response_type: undefined }, 'invalid_request'],
  ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
  ['a missing scope', { scope: undefined }, 'invalid_request'],
  ['a scope the app may not request', { scope: 'openid email' }, 'invalid_scope'],
  ['an unknown prompt', { prompt: 'sometimes' }, 'invalid_request'],
  ['prompt=none with others', { prompt: 'none login' }, 'invalid_request'],
  ['prompt=none without a session', { prompt: 'none' }, 'login_required'],
])('%s goes back to the app with an error and the state', async (_name, extra, error) => {
  const q = locationParams(await authorize(emu, base(extra)));
  expect(q.get('error')).toBe(error);
  expect(q.get('error_description')).toBeTruthy();
  expect(q.get('state')).toBe('state-123');
  expect(q.get('code')).toBeNull();
});

test('prompt values login, consent and select_account are accepted', async () => {
  const res = await authorize(emu, base({ prompt: 'login consent select_account' }));
  expect(res.status).toBe(200);
  emu.autoApprove = true;
  expect(locationParams(await authorize(emu, base({ prompt: 'none' }))).get('code')).toBeTruthy();
});

test('a public client with S256 PKCE gets a code; response_type=none returns only the state', async () => {
  emu.autoApprove = true;
  const p = pkce();
  const q = locationParams(await authorize(emu, base({ client_id: PUBLIC_CLIENT_ID, code_challenge: p.challenge, code_challenge_method: 'S256' })));
  expect(q.get('code')).toBeTruthy();
  const none = locationParams(await authorize(emu, base({ response_type: 'none' })));
  expect([...none.keys()]).toEqual(['state']);
});

test.each(EXACT_REDIRECTS)('the redirect goes to the registered URI %s exactly, with the parameters appended', async (uri) => {
  emu.autoApprove = true;
  for (const extra of [{}, { scope: 'openid not-allowed' }]) {
    const res = await authorize(emu, base({ client_id: 'exact', redirect_uri: uri, ...extra }));
    expect(res.status).toBe(302);
    const location = res.headers.location as string;
    const sep = uri.endsWith('?') ? '' : uri.includes('?') ? '&' : '?';
    expect(location.startsWith(`${uri}${sep}`)).toBe(true);
    const added = new URLSearchParams(location.slice(uri.length + sep.length));
    expect(added.get('state')).toBe('state-123');
    expect(added.get(Object.keys(extra).length ? 'error' : 'code')).toBeTruthy();
  }
});

test.each([
  'http://127.1/cb',
  'http://0x7f.0.0.1/cb',
  'http://2130706433/cb',
  'http://127.0.0.1\\@evil.com/',
  'http://127.0.0.1:3000\\@evil.com/cb',
  'http://127.0.0.1:3000@evil.com/cb',
  'http://LOCALHOST/cb',
  'http://localhost./cb',
  'http://[0:0:0:0:0:0:0:1]/cb',
  'http://127.0.0.1:/cb',
  'http://127.0.0.1.evil.com/cb',
  'http://localhost:3000/cb#frag',
  'http://localhost:3000/c b',
  'ftp://127.0.0.1/cb',
])('the loopback redirect %s, not spelled literally, is refused with the error page', async (uri) => {
  emu.autoApprove = true;
  const res = await authorize(emu, base({ redirect_uri: uri }));
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
});

test.each([
  'http://127.0.0.1:3000/auth/roblox/callback',
  'http://localhost:3000/cb',
  'https://localhost:8443/cb',
  'http://[::1]/cb',
  'http://127.0.0.1',
  'http://localhost?x=1',
])('the literal loopback redirect %s is accepted and used as is', async (uri) => {
  emu.autoApprove = true;
  const res = await authorize(emu, base({ redirect_uri: uri }));
  expect(res.status).toBe(302);
  expect(res.headers.location?.startsWith(`${uri}${uri.includes('?') ? '&' : '?'}code=`)).toBe(true);
});

/** RFC 6749 §4.1.2.1 / §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
const DESCRIPTION = /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/;

test('error_description never echoes quotes, backslashes, control or non-ASCII characters', async () => {
  const q = locationParams(await authorize(emu, base({ scope: 'openid "quoted" back\\slash caf\u00e9 \u{1F600} a\u0001b x<y>' })));
  expect(q.get('error')).toBe('invalid_scope');
  const description = q.get('error_description') as string;
  expect(description).toBeTruthy();
  expect(description).toMatch(DESCRIPTION);
  expect(description).toContain('x<y>');

  // The JSON errors of the other endpoints and the Bearer challenge conform too.
  const t = await tokenRequest(emu, { grant_type: 'authorization_code', code: 'caf\u00e9"\\' });
  const bodies = [
    t,
    await tokenRequest(emu, { grant_type: '"\u00e9' }),
    await post(emu, '/oauth/v1/token', { grant_type: 'refresh_token' }),
    await clientPost(emu, '/oauth/v1/token/resources', '"\u00e9\\'),
    await userinfo(emu, 'not-a-token'),
  ];
  for (const res of bodies) {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.json().error_description).toMatch(DESCRIPTION);
  }
});
