import request from 'supertest';
import { startExample, type ExampleProcess } from '../helpers/example-process';
import { login } from '../helpers/login';

// Runs examples/nestjs as its own process (ts-node, type-checked, with the example's tsconfig) against its
// embedded emulator; the package is the built dist/.
let example: ExampleProcess | undefined;
beforeAll(async () => {
  example = await startExample(['-r', 'ts-node/register', 'examples/nestjs/src/main.ts'], {
    TS_NODE_PROJECT: 'examples/nestjs/tsconfig.json',
    EMULATOR_ACCESS_TOKEN_TTL: '30',
  }, 110_000);
}, 120_000);
afterAll(async () => {
  await example?.stop();
});

it('examples/nestjs: PassportStrategy(RobloxStrategy), a complete login, the Roblox routes, and logout, over HTTP', async () => {
  const agent = request.agent(example!.url);
  expect((await agent.get('/')).text).toContain('Sign in with Roblox');
  const { callback } = await login(agent, undefined, { consent: { decision: 'approve' } });
  expect(callback?.status).toBe(302);
  expect(callback?.headers.location).toBe('/');
  expect((await agent.get('/')).text).toMatch(/Signed in as /);
  // Access tokens live 30 s (EMULATOR_ACCESS_TOKEN_TTL), under refreshTokens()' 60 s skew: each call refreshes.
  for (let i = 0; i < 2; i++) {
    const me = await agent.get('/me/roblox');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: expect.any(String), username: expect.any(String) });
  }
  const experiences = await agent.get('/experiences');
  expect(experiences.status).toBe(200);
  expect(Array.isArray(experiences.body)).toBe(true);
  const out = await agent.post('/logout');
  expect(out.status).toBe(303);
  expect((await agent.get('/')).text).toContain('Sign in with Roblox');
  expect((await agent.get('/me/roblox')).status).toBe(401);
});
