#!/usr/bin/env node
'use strict';
// node examples/fastify/start.js: the Fastify example on the embedded Roblox emulator (no Roblox account needed).
// PORT=0 picks a free port; EMULATOR_ACCESS_TOKEN_TTL=30 makes access tokens live 30 s, so that every route behind
// refreshTokens() refreshes them (watch Roblox's single-use refresh tokens rotate).
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

/** EMULATOR_ACCESS_TOKEN_TTL in seconds, or the emulator's default (Roblox's 899). */
function accessTokenTtl() {
  const ttl = Number(process.env.EMULATOR_ACCESS_TOKEN_TTL ?? '');
  return Number.isInteger(ttl) && ttl > 0 ? ttl : undefined;
}

async function main() {
  const host = '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000) || (await freePort(host));
  const emulator = await createRobloxEmulator({ port: 0, host, accessTokenTtl: accessTokenTtl() });
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
  console.log(`Signing in with the local Roblox emulator at ${emulator.issuer} (no Roblox account needed)`);
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
