'use strict';
// One instance of `npm run start:cluster`: the demo app with its sessions on Redis (connect-redis) and its
// refreshes coordinated across instances (createRedisRefreshCoordinator). Started by cluster.js with its settings
// in the environment; prints "instance N listening PORT".
const { createClient } = require('redis');
const { RedisStore } = require('connect-redis');
const { createRedisRefreshCoordinator } = require('passport-roblox-oidc/redis');
const { createDemoApp } = require('./app');

async function main() {
  const env = (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`cluster-instance needs ${name}`);
    return value;
  };
  const label = `instance ${env('INSTANCE')} (pid ${process.pid})`;
  const redis = createClient({ url: env('REDIS_URL') });
  redis.on('error', (err) => console.error(`[${label}] Redis: ${err.message}`));
  await redis.connect();
  // The same secret on every instance: Redis keys are HMACs under it and refresh outcomes are sealed with it.
  const refreshCoordinator = createRedisRefreshCoordinator({ redis, secret: env('ROBLOX_REDIS_SECRET') });
  const { app } = createDemoApp({
    issuer: env('ISSUER'),
    clientID: env('CLIENT_ID'),
    clientSecret: env('CLIENT_SECRET'),
    callbackURL: env('CALLBACK_URL'),
    scope: env('SCOPE').split(' '),
    sessionSecret: env('SESSION_SECRET'),
    sessionStore: new RedisStore({ client: redis, prefix: 'demo:sess:' }),
    refreshCoordinator,
    instanceLabel: label,
  });
  const server = app.listen(0, '127.0.0.1', () => console.log(`instance ${env('INSTANCE')} listening ${server.address().port}`));
  const stop = () => {
    server.close();
    void refreshCoordinator.close().finally(() => redis.quit().catch(() => undefined).finally(() => process.exit(0)));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`cluster instance failed: ${err.message}`);
  process.exit(1);
});
