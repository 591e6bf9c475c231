#!/usr/bin/env node
'use strict';
// node examples/fastify/start.js: the Fastify example on the embedded Roblox emulator (no Roblox account needed).
// PORT=0 picks a free port.
const crypto = require('node:crypto');
const net = require('node:net');
const { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } = require('passport-roblox-oidc/emulator');
const { createFastifyExample } = require('./app');

/** A free port on host (the callback URL must name the port before the app listens). */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function main() {
  const host = '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000) || (await freePort(host));
  const emulator = await createRobloxEmulator({ port: 0, host });
  const { app } = await createFastifyExample({
    issuer: emulator.issuer,
    clientID: ROBLOX_EMULATOR_CLIENT_ID,
    clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
    callbackURL: `http://${host}:${port}/auth/roblox/callback`,
    scope: ['openid', 'profile', 'universe-messaging-service:publish'],
    sessionKey: crypto.randomBytes(32),
  });
  await app.listen({ port, host });
  console.log(`Fastify example: open http://${host}:${port}/`);
  const stop = async () => {
    await app.close();
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`Could not start the example: ${err.message}`);
  process.exit(1);
});
