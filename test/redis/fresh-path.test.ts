// Issue 10, "Done means": a fresh token costs no Redis command beyond what the session store itself does.
// Counted by the server (INFO stats, total_commands_processed) around 50 requests whose access token is fresh,
// with the Redis coordinator configured and the session in memory (so every command would be the coordinator's).
import request from 'supertest';
import { createRedisRefreshCoordinator } from '../../src/redis';
import { refreshTokens } from '../../src';
import { createTestApp } from '../helpers/app';
import { useEmulator } from '../helpers/emulator';
import { login } from '../helpers/login';
import { connect, useRedisServer, type TestClient } from './helpers';
import { SECRET } from './helpers-secret';

const redis = useRedisServer();
const emu = useEmulator();

async function commandsProcessed(c: TestClient): Promise<number> {
  const info = (await (c.client as { sendCommand(a: string[]): Promise<string> }).sendCommand(['INFO', 'stats'])) as string;
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1]);
}

it('50 requests with a fresh access token send no command to Redis', async () => {
  const c = await connect('node-redis v5', redis().url);
  const probe = await connect('node-redis v5', redis().url);
  const refreshCoordinator = createRedisRefreshCoordinator({ redis: c.client, secret: SECRET, prefix: 'fresh:' });
  try {
    const app = createTestApp({
      emulator: emu(),
      strategyOptions: { refreshCoordinator },
      routes: (app, { strategy }) => app.get('/api', refreshTokens({ client: strategy.client }), (_req, res) => res.json({ ok: true })),
    });
    const agent = request.agent(app);
    expect((await login(agent, emu())).location).toBe('/');
    const before = await commandsProcessed(probe);
    for (let i = 0; i < 50; i++) await agent.get('/api').expect(200);
    const after = await commandsProcessed(probe);
    // The second INFO is counted once it has run; nothing else reached the server.
    expect(after - before).toBe(1);
  } finally {
    await refreshCoordinator.close();
    await c.close();
    await probe.close();
  }
});
