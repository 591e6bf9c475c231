// Real Redis for the coordination tests: Debian's redis-server on a free loopback port, started per test file and
// stopped by its PID; clients of each supported library, each on its own connection.
import { createClient as createClient5 } from 'redis';
import { createClient as createClient4 } from 'redis4';
import IORedis from 'ioredis';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenSet } from '../../src';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startRedisServer } = require('../../scripts/redis-server.js') as {
  startRedisServer: (o?: { port?: number; args?: string[] }) => Promise<RedisServer>;
};

export interface RedisServer {
  port: number;
  url: string;
  pid(): number | undefined;
  stop(): Promise<void>;
  kill(): Promise<void>;
  start(): Promise<void>;
  restart(): Promise<void>;
}

/** A connected client of one library, and how to close it. */
export interface TestClient {
  client: unknown;
  raw: { keys(pattern: string): Promise<string[]>; get(key: string): Promise<string | null>; pttl(key: string): Promise<number> };
  close(): Promise<void>;
}

export type Library = 'node-redis v5' | 'node-redis v4' | 'ioredis';
export const LIBRARIES: Library[] = ['node-redis v5', 'node-redis v4', 'ioredis'];

export async function connect(library: Library, url: string): Promise<TestClient> {
  if (library === 'ioredis') {
    const client = new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    client.on('error', () => undefined);
    await client.connect();
    return { client, raw: { keys: (p) => client.keys(p), get: (k) => client.get(k), pttl: (k) => client.pttl(k) }, close: async () => void client.disconnect() };
  }
  const create = (library === 'node-redis v4' ? createClient4 : createClient5) as unknown as (o: object) => ReturnType<typeof createClient5>;
  const client = create({ url, socket: { reconnectStrategy: (retries: number) => Math.min(retries * 50, 500), connectTimeout: 1000 } });
  client.on('error', () => undefined);
  await client.connect();
  const c = client as unknown as { keys(p: string): Promise<string[]>; get(k: string): Promise<string | null>; pTTL(k: string): Promise<number>; disconnect(): Promise<void>; destroy?: () => void };
  return {
    client,
    raw: { keys: (p) => c.keys(p), get: (k) => c.get(k), pttl: (k) => c.pTTL(k) },
    close: async () => {
      if (typeof c.destroy === 'function') c.destroy();
      else await c.disconnect().catch(() => undefined);
    },
  };
}

/**
 * Starts a redis-server for the file; stops it (by its PID) after all tests. `persistent`: an append-only file
 * (fsync on every write) in a temporary directory, so that a stop and start keeps the data, as a production
 * Redis does across a restart.
 */
export function useRedisServer(options: { persistent?: boolean } = {}): () => RedisServer {
  let server: RedisServer | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    if (options.persistent) dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prox-redis-'));
    server = await startRedisServer(dir ? { args: ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] } : {});
  }, 20_000);
  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    if (!server) throw new Error('redis-server not started');
    return server;
  };
}

export { SECRET } from './helpers-secret';

export function tokenSet(n: number): TokenSet {
  return { accessToken: `access-token-${n}-0123456789abcdef`, refreshToken: `refresh-token-${n}-0123456789abcdef`, tokenType: 'Bearer', scope: ['openid'], expiresAt: Date.now() + 900_000 };
}
