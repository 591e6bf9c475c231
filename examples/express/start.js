#!/usr/bin/env node
'use strict';
// `npm start`: the demo app on the embedded Roblox emulator, or on real Roblox when ROBLOX_CLIENT_ID is set
// (see .env.example; a .env file beside package.json is read if present).
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const envFile = path.join(__dirname, '..', '..', '.env');
if (fs.existsSync(envFile)) process.loadEnvFile(envFile);

const { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } = require('passport-roblox-oidc/emulator');
const { createDemoApp } = require('./app');

async function main() {
  const host = process.env.HOST ?? '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000);
  const sessionSecret = process.env.SESSION_SECRET ?? crypto.randomBytes(32).toString('hex');
  let emulator;
  let config;
  if (process.env.ROBLOX_CLIENT_ID) {
    if (!process.env.ROBLOX_REDIRECT_URI) throw new Error('Set ROBLOX_REDIRECT_URI to the redirect URL registered for your app');
    config = {
      clientID: process.env.ROBLOX_CLIENT_ID,
      clientSecret: process.env.ROBLOX_CLIENT_SECRET || undefined,
      callbackURL: process.env.ROBLOX_REDIRECT_URI,
      sessionSecret,
      secureCookies: process.env.ROBLOX_REDIRECT_URI.startsWith('https:'),
      // Only scopes your app registered on the Creator Dashboard, e.g. "openid profile universe-messaging-service:publish".
      scope: (process.env.ROBLOX_SCOPES ?? 'openid profile').split(' ').filter(Boolean),
    };
  } else {
    emulator = await createRobloxEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0), host: '127.0.0.1' });
    config = {
      issuer: emulator.issuer,
      clientID: ROBLOX_EMULATOR_CLIENT_ID,
      clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
      callbackURL: `http://${host}:${port}/auth/roblox/callback`,
      sessionSecret,
      // A resource scope too, so that the resources page has experiences to show.
      scope: ['openid', 'profile', 'universe-messaging-service:publish'],
    };
  }
  const { app } = createDemoApp(config);
  const server = app.listen(port, host, () => {
    console.log(`Roblox sign-in demo: open http://${host}:${port}/`);
    console.log(emulator ? `Signing in with the local Roblox emulator at ${emulator.issuer} (no Roblox account needed)` : 'Signing in with Roblox');
  });
  const stop = () => {
    server.close();
    if (emulator) emulator.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`Could not start the demo: ${err.message}`);
  process.exit(1);
});
