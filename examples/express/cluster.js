#!/usr/bin/env node
'use strict';
// `npm run start:cluster`: the demo as 3 instances behind a round-robin proxy, on one Redis (sessions and refresh
// coordination) and one embedded Roblox emulator. Every request may land on another instance, as behind a load
// balancer; each page says which instance answered. REDIS_URL: use that Redis instead of starting redis-server.
// Stopped with Ctrl+C (SIGINT) or SIGTERM: the instances, the redis-server it started and the emulator go too.
// EMULATOR_ACCESS_TOKEN_TTL=30: access tokens live 30 s, under refreshTokens()' 60 s skew, so that every page
// behind it refreshes (on whichever instance the request lands). EMULATOR_REVOKE_ON_REUSE=1: the emulator ends the
// whole grant when a used refresh token is presented again, so a refresh spent twice would sign the user out.
const crypto = require('node:crypto');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } = require('passport-roblox-oidc/emulator');
const { startRedisServer, hasRedisServer, REDIS_SERVER_MISSING } = require('../../scripts/redis-server.js');
const { startRoundRobinProxy } = require('./round-robin-proxy');

const INSTANCES = 3;

function startInstance(n, env) {
  const child = spawn(process.execPath, [path.join(__dirname, 'cluster-instance.js')], {
    env: { ...process.env, ...env, INSTANCE: String(n) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const port = /instance \d+ listening (\d+)/.exec(out)?.[1];
      if (port) {
        child.stdout.removeAllListeners('data');
        child.stdout.pipe(process.stdout);
        resolve({ child, port: Number(port) });
      }
    });
    child.once('exit', (code) => reject(new Error(`instance ${n} exited (${code}) before listening`)));
  });
}

async function main() {
  if (!process.env.REDIS_URL && !hasRedisServer()) {
    console.error(`start:cluster needs Redis: ${REDIS_SERVER_MISSING}, or set REDIS_URL`);
    process.exit(1);
  }
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  const instances = [];
  let redisServer;
  let emulator;
  let proxy;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    proxy?.close();
    await Promise.all(instances.map(({ child }) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      process.kill(child.pid, 'SIGTERM');
    })));
    await redisServer?.stop();
    await emulator?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    redisServer = process.env.REDIS_URL ? undefined : await startRedisServer();
    const redisURL = process.env.REDIS_URL ?? redisServer.url;
    const ttl = Number(process.env.EMULATOR_ACCESS_TOKEN_TTL ?? '');
    emulator = await createRobloxEmulator({
      port: Number(process.env.EMULATOR_PORT ?? 0),
      host: '127.0.0.1',
      ...(Number.isInteger(ttl) && ttl > 0 ? { accessTokenTtl: ttl } : {}),
      revokeOnRefreshReuse: process.env.EMULATOR_REVOKE_ON_REUSE === '1',
    });
    const ports = [];
    proxy = await startRoundRobinProxy({ host, port, targets: () => ports });
    const base = `http://${host}:${proxy.address().port}`;
    const env = {
      REDIS_URL: redisURL,
      ISSUER: emulator.issuer,
      CLIENT_ID: ROBLOX_EMULATOR_CLIENT_ID,
      CLIENT_SECRET: ROBLOX_EMULATOR_CLIENT_SECRET,
      CALLBACK_URL: `${base}/auth/roblox/callback`,
      SCOPE: 'openid profile universe-messaging-service:publish',
      // Shared by the instances of this run; set them to keep sessions across runs.
      SESSION_SECRET: process.env.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex'),
      ROBLOX_REDIS_SECRET: process.env.ROBLOX_REDIS_SECRET ?? crypto.randomBytes(32).toString('hex'),
    };
    for (let n = 1; n <= INSTANCES; n++) {
      const instance = await startInstance(n, env);
      instances.push(instance);
      instance.child.once('exit', (code) => {
        if (!stopping) {
          console.error(`instance ${n} exited (${code}): stopping the cluster`);
          void stop(1);
        }
      });
    }
    ports.push(...instances.map((i) => i.port));
    console.log(`Roblox sign-in demo, ${INSTANCES} instances behind a round-robin proxy on one Redis (${redisServer ? `redis-server pid ${redisServer.pid()}` : redisURL}): open ${base}/`);
    console.log(`Signing in with the local Roblox emulator at ${emulator.issuer} (no Roblox account needed)`);
  } catch (err) {
    console.error(`Could not start the cluster demo: ${err.message}`);
    await stop(1);
  }
}

void main();
