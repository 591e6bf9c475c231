import net from 'node:net';
import http from 'node:http';
import { useEmulator } from '../helpers/emulator';
import { basic, CLIENT_ID, CLIENT_SECRET, flow, raw, REDIRECT_URI } from './helpers';

const emu = useEmulator();
afterEach(async () => {
  // Whatever the previous request did, the server still serves the next one.
  const res = await raw(emu(), { path: '/oauth/.well-known/openid-configuration' });
  expect(res.status).toBe(200);
  expect(res.json().issuer).toBe(emu().issuer);
});

const AUTH = { authorization: basic(CLIENT_ID, CLIENT_SECRET) };
const FORM = 'application/x-www-form-urlencoded';
const token = (body: string | Buffer, headers: Record<string, string | number> = {}) =>
  raw(emu(), { method: 'POST', path: '/oauth/v1/token', headers: { 'content-type': FORM, ...AUTH, ...headers }, body });

function expectOAuthError(res: { status: number; json: () => any; headers: http.IncomingHttpHeaders }, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.json()).toEqual({ error, error_description: expect.any(String) });
}

test.each([
  ['bad percent-encoding', 'grant_type=refresh_token&refresh_token=%E0%A4%A'],
  ['invalid UTF-8 in percent-encoding', 'grant_type=refresh_token&refresh_token=%C3%28'],
  ['a lone percent sign', 'grant_type=%&refresh_token=x'],
])('%s in a form is 400 invalid_request', async (_name, body) => {
  expectOAuthError(await token(body), 400, 'invalid_request');
});

test('duplicate OAuth parameters are refused, and the description does not echo values', async () => {
  const res = await token('grant_type=refresh_token&refresh_token=secret-one&refresh_token=secret-two');
  expectOAuthError(res, 400, 'invalid_request');
  expect(res.json().error_description).toContain('refresh_token');
  expect(res.body).not.toContain('secret-one');
  expectOAuthError(await token('grant_type=refresh_token&grant_type=authorization_code'), 400, 'invalid_request');
});

test('duplicate parameters at authorize get the HTML error page, never a redirect', async () => {
  const q = `client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/evil')}&response_type=code&scope=openid`;
  const res = await raw(emu(), { path: `/oauth/v1/authorize?${q}` });
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
});

test('bad percent-encoding at authorize gets the HTML error page', async () => {
  const res = await raw(emu(), { path: `/oauth/v1/authorize?client_id=%zz&redirect_uri=x` });
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
});

test('a huge body is 413, whether announced by Content-Length or streamed chunked', async () => {
  const big = `grant_type=refresh_token&refresh_token=${'a'.repeat(100 * 1024)}`;
  expectOAuthError(await token(big), 413, 'invalid_request');
  const chunked = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: emu().port, method: 'POST', path: '/oauth/v1/token', headers: { 'content-type': FORM, ...AUTH }, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    for (let i = 0; i < 10; i++) req.write('a'.repeat(10 * 1024));
    req.end();
  });
  expect(chunked).toBe(413);
});

test.each([
  ['application/json', '{"grant_type":"refresh_token"}'],
  ['text/plain', 'grant_type=refresh_token'],
  ['multipart/form-data; boundary=x', '--x--'],
])('Content-Type %s is 415', async (type, body) => {
  expectOAuthError(await token(body, { 'content-type': type }), 415, 'invalid_request');
});

test('a missing Content-Type is 415, and charset parameters are accepted', async () => {
  const res = await raw(emu(), { method: 'POST', path: '/oauth/v1/token', headers: AUTH, body: 'grant_type=refresh_token' });
  expect(res.status).toBe(415);
  const withCharset = await token('grant_type=refresh_token&refresh_token=x', { 'content-type': `${FORM}; charset=UTF-8` });
  expectOAuthError(withCharset, 400, 'invalid_grant');
});

test.each([
  ['GET', '/oauth/v1/token', 'POST'],
  ['PUT', '/oauth/v1/token/revoke', 'POST'],
  ['GET', '/oauth/v1/token/introspect', 'POST'],
  ['POST', '/oauth/v1/userinfo', 'GET'],
  ['DELETE', '/oauth/.well-known/openid-configuration', 'GET, HEAD'],
  ['DELETE', '/oauth/v1/certs', 'GET, HEAD'],
  ['POST', '/oauth/v1/authorize', 'GET'],
  ['HEAD', '/oauth/v1/userinfo', 'GET'],
  ['GET', '/oauth/v1/authorize/decision', 'POST'],
])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
  const res = await raw(emu(), { method, path });
  expect(res.status).toBe(405);
  expect(res.headers.allow).toBe(allow);
});

test('HEAD on authorize is 405 with Allow: GET and mints no code, even when approving automatically', async () => {
  const path = `/oauth/v1/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&response_type=code&scope=openid&state=s`;
  const res = await raw(emu(), { method: 'HEAD', path });
  expect(res.status).toBe(405);
  expect(res.headers.allow).toBe('GET');
  expect(res.headers.location).toBeUndefined();
  // The same request as GET is approved: HEAD was refused for its method, nothing else.
  expect((await raw(emu(), { path })).status).toBe(302);
});

test.each(['/oauth/.well-known/openid-configuration', '/oauth/v1/certs', '/avatars/1516563360.svg'])('HEAD on the read-only %s answers 200 without a body', async (path) => {
  const res = await raw(emu(), { method: 'HEAD', path });
  expect(res.status).toBe(200);
  expect(res.body).toBe('');
  expect(Number(res.headers['content-length'])).toBeGreaterThan(0);
});

test.each(['/', '/oauth/', '/oauth/v1/token/', '/oauth/v1/TOKEN', '/oauth/v1/%74oken', '/.well-known/openid-configuration', '/oauth/v1/certs/../certs'])(
  'unknown path %s is 404',
  async (path) => {
    expectOAuthError(await raw(emu(), { path }), 404, 'not_found');
  },
);

test('hostile parameter names and a malformed Basic header do not crash anything', async () => {
  expectOAuthError(await token('__proto__=x&constructor=y&grant_type=refresh_token&refresh_token=z'), 400, 'invalid_grant');
  expectOAuthError(await token('grant_type=refresh_token', { authorization: 'Basic !!!' }), 401, 'invalid_client');
  expectOAuthError(await token('grant_type=refresh_token', { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }), 401, 'invalid_client');
  expectOAuthError(await token('grant_type=refresh_token', { authorization: `Basic ${Buffer.from('%zz:%zz').toString('base64')}` }), 401, 'invalid_client');
  expectOAuthError(await token('grant_type=refresh_token', { authorization: 'Bearer abc' }), 401, 'invalid_client');
  const weird = await raw(emu(), { path: '/oauth/v1/userinfo', headers: { authorization: 'Bearer \u00ff\u00fe' } });
  expect(weird.status).toBe(401);
});

test('a request target too large gets 431 from Node; a garbage request gets 400', async () => {
  const long = await raw(emu(), { path: `/oauth/v1/authorize?state=${'x'.repeat(20_000)}` });
  expect(long.status).toBe(431);
  const answer = await new Promise<string>((resolve) => {
    const socket = net.connect(emu().port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
  });
  expect(answer).toMatch(/^HTTP\/1\.1 400/);
});

test('a client that aborts mid-body leaves the server unharmed', async () => {
  await new Promise<void>((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: emu().port, method: 'POST', path: '/oauth/v1/token', headers: { 'content-type': FORM, 'content-length': 1000, ...AUTH }, agent: false });
    req.on('error', () => resolve());
    req.write('grant_type=refresh_');
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 50);
  });
});

test('many concurrent flows all succeed', async () => {
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => flow(emu(), { auth: i % 2 ? 'basic' : 'post' })));
  expect(new Set(results.map((r) => r.access_token)).size).toBe(40);
});
