// `npm run start:cluster` (examples/express/cluster.js) as a user runs it: 3 instances of the demo behind its
// round-robin proxy, on a redis-server it starts and one emulator. A user signs in through the proxy; the pages
// come from all three instances; concurrent pages at expiry all stay signed in (one coordinated refresh per token,
// whichever instance they land on); logout; and once stopped, no instance or redis-server is left running.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { startExample, type ExampleProcess } from '../helpers/example-process';
import { login } from '../helpers/login';

jest.setTimeout(90_000);

let example: ExampleProcess | undefined;
beforeAll(async () => {
  // Access tokens live 30 s, under refreshTokens()' 60 s skew: every /tokens page refreshes. A refresh token
  // presented twice ends the grant: any uncoordinated refresh shows as a signed-out page.
  example = await startExample(['examples/express/cluster.js'], { EMULATOR_ACCESS_TOKEN_TTL: '30', EMULATOR_REVOKE_ON_REUSE: '1' }, 60_000);
}, 70_000);
afterAll(async () => {
  await example?.stop();
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('signs in through the proxy, is served by all 3 instances, refreshes across them, logs out, and stops everything', async () => {
  const agent = request.agent(example!.url);
  expect((await agent.get('/')).text).toContain('Sign in with Roblox');
  const { location } = await login(agent, undefined, { consent: { decision: 'approve' } });
  expect(location).toBe('/profile');

  const instances = new Set<string>();
  // Concurrent pages at expiry, spread over the instances: each must be served signed in (a refresh token spent
  // twice would end the grant, and the pages in "/?signin=expired").
  const pages = await Promise.all(Array.from({ length: 6 }, () => agent.get('/tokens')));
  for (const page of pages) {
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="instance"');
    instances.add(page.headers['x-demo-instance'] as string);
  }
  for (let i = 0; i < 3; i++) {
    const page = await agent.get('/tokens');
    expect(page.status).toBe(200);
    instances.add(page.headers['x-demo-instance'] as string);
  }
  expect(instances.size).toBe(3);

  const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/profile')).text)?.[1];
  expect(csrf).toBeDefined();
  expect((await agent.post('/logout').type('form').send({ _csrf: csrf })).status).toBe(303);
  expect((await agent.get('/profile')).headers.location).toBe('/?signin=required');

  const redisPid = Number(/redis-server pid (\d+)/.exec(example!.output())?.[1]);
  const instancePids = [...instances].map((label) => Number(/pid (\d+)/.exec(label)?.[1]));
  expect([redisPid, ...instancePids].every(alive)).toBe(true);
  await example!.stop();
  // The cluster script stops what it started before it exits.
  expect([redisPid, ...instancePids].filter(alive)).toEqual([]);
});

it('without redis-server (and no REDIS_URL) it says what to install and exits 1', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', REDIS_SERVER: '/nonexistent/redis-server' };
  delete env.REDIS_URL;
  const run = spawnSync(process.execPath, ['examples/express/cluster.js'], { cwd: path.resolve(__dirname, '..', '..'), env, encoding: 'utf8', timeout: 30_000 });
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(/start:cluster needs Redis: redis-server was not found \(\/nonexistent\/redis-server\): install it with "apt-get install redis-server"/);
});
