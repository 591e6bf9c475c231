import { RobloxConfigurationError } from '../../src/errors';
import { startEmulator, useEmulator } from '../helpers/emulator';
import { flow, raw, tokenRequest, userinfo } from './helpers';

const emu = useEmulator();

const discovery = () => raw(emu(), { path: '/oauth/.well-known/openid-configuration' });

test('setLatency delays one endpoint, "*" delays the others, 0 removes it', async () => {
  const timed = async (path: string) => {
    const start = Date.now();
    expect((await raw(emu(), { path })).status).toBe(200);
    return Date.now() - start;
  };
  emu().setLatency('discovery', 400);
  emu().setLatency('*', 250);
  const [slow, medium] = await Promise.all([timed('/oauth/.well-known/openid-configuration'), timed('/oauth/v1/certs')]);
  expect(slow).toBeGreaterThanOrEqual(395);
  expect(medium).toBeGreaterThanOrEqual(245);
  expect(medium).toBeLessThan(slow);

  emu().setLatency('*', 0);
  emu().setLatency('discovery', 0);
  const [a, b] = await Promise.all([timed('/oauth/.well-known/openid-configuration'), timed('/oauth/v1/certs')]);
  expect(Math.max(a, b)).toBeLessThan(240);
});

test('failNext answers a 5xx once, then the endpoint works again', async () => {
  emu().failNext('token', { status: 503 });
  const failed = await tokenRequest(emu(), { grant_type: 'refresh_token', refresh_token: 'x' });
  expect(failed.status).toBe(503);
  expect(failed.json().error).toBe('server_error');
  const next = await tokenRequest(emu(), { grant_type: 'refresh_token', refresh_token: 'x' });
  expect(next.status).toBe(400);
});

test('failNext with a body sends broken JSON with status 200', async () => {
  emu().failNext('discovery', { status: 200, body: '{"issuer":' });
  const res = await discovery();
  expect(res.status).toBe(200);
  expect(() => res.json()).toThrow();
  expect((await discovery()).json().issuer).toBe(emu().issuer);
});

test('failNext with times fails that many requests; "*" hits any endpoint; failures queue in order', async () => {
  emu().failNext('jwks', { status: 500, times: 2 });
  emu().failNext('jwks', { status: 502 });
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await raw(emu(), { path: '/oauth/v1/certs' })).status);
  expect(statuses).toEqual([500, 500, 502, 200]);
  emu().failNext('*', { status: 504 });
  expect((await discovery()).status).toBe(504);
  expect((await discovery()).status).toBe(200);
});

test('failNext hang: the request never gets an answer, and the server keeps serving others', async () => {
  emu().failNext('userinfo', { hang: true });
  const hung = raw(emu(), { path: '/oauth/v1/userinfo', timeout: 300 });
  await expect(hung).rejects.toThrow('client timeout');
  expect((await discovery()).status).toBe(200);
});

test('failNext reset: the connection is dropped', async () => {
  emu().failNext('discovery', { reset: true });
  await expect(discovery()).rejects.toThrow(/socket hang up|ECONNRESET/);
  expect((await discovery()).status).toBe(200);
});

test('counters count calls per endpoint, including failed ones, and reset', async () => {
  emu().resetCounters();
  await discovery();
  await discovery();
  emu().failNext('jwks');
  await raw(emu(), { path: '/oauth/v1/certs' });
  const t = await flow(emu());
  await userinfo(emu(), t.access_token);
  await raw(emu(), { path: '/nope' });
  expect(emu().counters).toEqual({
    discovery: 2, jwks: 1, authorize: 1, decision: 0, token: 1, introspect: 0, resources: 0, revoke: 0, userinfo: 1,
  });
  const snapshot = emu().counters;
  emu().resetCounters();
  expect(emu().counters.discovery).toBe(0);
  expect(snapshot.discovery).toBe(2);
});

test('bad arguments to the controls are refused', () => {
  expect(() => emu().failNext('tokens' as never)).toThrow(/unknown endpoint/);
  expect(() => emu().setLatency('token', -1)).toThrow();
  expect(() => emu().failNext('token', { times: 0 })).toThrow();
  expect(() => emu().failNext('token', { status: 99 })).toThrow();
});

test('setLatency refuses delays Node timers cannot wait (above 2147483647 ms), naming the limit', () => {
  for (const ms of [2 ** 31, 1e12, Number.MAX_SAFE_INTEGER]) {
    expect(() => emu().setLatency('token', ms)).toThrow(RobloxConfigurationError);
    expect(() => emu().setLatency('*', ms)).toThrow(/2147483647/);
  }
  expect(() => emu().setLatency('token', 2147483647)).not.toThrow();
  emu().setLatency('token', 0);
});

test('nextUserinfo changes the next userinfo body only: patch, function, raw string', async () => {
  const t = await flow(emu());
  emu().nextUserinfo({ sub: '999', picture: undefined });
  const patched = (await userinfo(emu(), t.access_token)).json();
  expect(patched.sub).toBe('999');
  expect(patched).not.toHaveProperty('picture');
  expect((await userinfo(emu(), t.access_token)).json().sub).toBe('1516563360');

  emu().nextUserinfo((body, ctx) => ({ sub: body.sub, seen: ctx.clientId }));
  expect((await userinfo(emu(), t.access_token)).json()).toEqual({ sub: '1516563360', seen: 'roblox-emulator-client' });

  emu().nextUserinfo(() => '{"sub":');
  const broken = await userinfo(emu(), t.access_token);
  expect(broken.status).toBe(200);
  expect(() => broken.json()).toThrow();
});

test('close() ends hanging requests and is idempotent', async () => {
  const other = await startEmulator({ autoApprove: false });
  other.failNext('jwks', { hang: true });
  other.setLatency('discovery', 10_000);
  const outcome = (p: Promise<unknown>) => p.then(() => 'answered', () => 'dropped');
  const hung = outcome(raw(other, { path: '/oauth/v1/certs' }));
  const slow = outcome(raw(other, { path: '/oauth/.well-known/openid-configuration' }));
  await new Promise((r) => setTimeout(r, 50));
  const start = Date.now();
  await Promise.all([other.close(), other.close()]);
  expect(await hung).toBe('dropped');
  expect(await slow).toBe('dropped');
  expect(Date.now() - start).toBeLessThan(1000);
});
