// A lock holder that dies mid-refresh: takes the redemption lock of argv[3] and never finishes (killed by the test).
import IORedis from 'ioredis';
import { createRedisRefreshCoordinator } from '../../src/redis';
import { SECRET } from './helpers-secret';

async function main() {
  const [url, key] = process.argv.slice(2) as [string, string];
  const redis = new IORedis(url);
  const coordinator = createRedisRefreshCoordinator({ redis, secret: SECRET, prefix: 'killed:', lockTtlMs: 1_000 });
  await coordinator.redeem(key, () => {
    process.stdout.write('holding\n');
    return new Promise(() => undefined);
  });
}

void main();
