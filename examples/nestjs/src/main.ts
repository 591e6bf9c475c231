// NestJS example on the embedded Roblox emulator (no Roblox account needed):
//   node -r ts-node/register examples/nestjs/src/main.ts   (TS_NODE_PROJECT=examples/nestjs/tsconfig.json; PORT=0: any free port)
//   In an app of your own: tsc -p tsconfig.json && node dist/main.js
//   EMULATOR_ACCESS_TOKEN_TTL=30: access tokens live 30 s, so that every route behind refreshTokens() refreshes them.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { NestFactory } from '@nestjs/core';
import session from 'express-session';
import passport from 'passport';
import { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } from 'passport-roblox-oidc/emulator';
import { AppModule } from './app.module';

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function bootstrap(): Promise<void> {
  const host = '127.0.0.1';
  const port = Number(process.env.PORT ?? 3000) || (await freePort(host));
  const ttl = Number(process.env.EMULATOR_ACCESS_TOKEN_TTL ?? '');
  const emulator = await createRobloxEmulator({ port: 0, host, accessTokenTtl: Number.isInteger(ttl) && ttl > 0 ? ttl : undefined });
  const app = await NestFactory.create(
    AppModule.register({
      issuer: emulator.issuer,
      clientID: ROBLOX_EMULATOR_CLIENT_ID,
      clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
      callbackURL: `http://${host}:${port}/auth/roblox/callback`,
      scope: ['openid', 'profile', 'universe-messaging-service:publish'],
    }),
    { logger: ['error', 'warn'] },
  );
  // MemoryStore is for development only: pass a real store (connect-redis, …) in production.
  app.use(session({
    secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: false /* true behind https */ },
  }));
  app.use(passport.initialize());
  app.use(passport.session());
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));
  await app.listen(port, host);
  console.log(`NestJS example: open http://${host}:${port}/`);
  console.log(`Signing in with the local Roblox emulator at ${emulator.issuer} (no Roblox account needed)`);
  const stop = async () => {
    await app.close();
    await emulator.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

bootstrap().catch((err: Error) => {
  console.error(`Could not start the example: ${err.message}`);
  process.exit(1);
});
