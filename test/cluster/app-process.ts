// One app instance of the multi-process test: Express 5, passport with RobloxStrategy, and refreshTokens() on /api.
// Sessions: express-session on a connect-redis 9 store shared by every instance (SESSIONS=redis, the default), or
// cookie-session (SESSIONS=cookie: nothing shared but the cookie). Tokens: in the session (TOKENS=session, the
// default) or in a RedisTokenStore (TOKENS=redis). Refreshes are coordinated on Redis (COORDINATOR=redis) or only
// within this process (COORDINATOR=in-process, today's default, for comparison).
// Prints "listening <port>" once it accepts requests; stopped by the test with SIGTERM (or SIGKILL) by its PID.
import express from 'express';
import session from 'express-session';
import cookieSession from 'cookie-session';
import { RedisStore } from 'connect-redis';
import { createClient } from 'redis';
import { Passport } from 'passport';
import { cookieSessionCompat, RobloxStrategy, refreshTokens } from '../../src';
import { createRedisRefreshCoordinator, RedisTokenStore } from '../../src/redis';

async function main() {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`app-process needs ${name}`);
    return value;
  };
  const [REDIS_URL, ISSUER, CLIENT_ID, CLIENT_SECRET, CALLBACK_URL, COORDINATOR, SECRET] =
    ['REDIS_URL', 'ISSUER', 'CLIENT_ID', 'CLIENT_SECRET', 'CALLBACK_URL', 'COORDINATOR', 'SECRET'].map(env) as [string, string, string, string, string, string, string];
  const redis = createClient({ url: REDIS_URL });
  redis.on('error', () => undefined);
  await redis.connect();
  const refreshCoordinator = COORDINATOR === 'redis' ? createRedisRefreshCoordinator({ redis, secret: SECRET }) : undefined;
  const tokenStore = process.env.TOKENS === 'redis' ? new RedisTokenStore({ redis, secret: SECRET }) : undefined;

  const passport = new Passport();
  const strategy = new RobloxStrategy(
    { clientID: CLIENT_ID, clientSecret: CLIENT_SECRET, callbackURL: CALLBACK_URL, issuer: ISSUER, refreshCoordinator, tokenStore, timeout: 5_000 },
    async (_at, _rt, profile) => ({ id: profile.id }),
  );
  passport.use(strategy);
  passport.serializeUser((user, done) => done(null, user));
  passport.deserializeUser((user: Express.User, done) => done(null, user));

  const app = express();
  if (process.env.SESSIONS === 'cookie') {
    app.use(cookieSession({ name: 'session', secret: SECRET, sameSite: 'lax', httpOnly: true }));
    app.use(cookieSessionCompat());
  } else {
    app.use(session({
      store: new RedisStore({ client: redis, prefix: 'sess:' }),
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { sameSite: 'lax', httpOnly: true },
    }));
  }
  app.use(passport.initialize());
  app.use(passport.session());
  app.get('/auth/roblox', passport.authenticate('roblox'));
  app.get('/auth/roblox/callback', passport.authenticate('roblox', { failureRedirect: '/failed', successRedirect: '/' }));
  app.get('/api', refreshTokens({ client: strategy.client, skewSeconds: 1, store: tokenStore }), (req, res) => {
    res.json({ pid: process.pid, refreshToken: req.robloxTokens?.refreshToken?.length ?? 0 });
  });
  const onError: express.ErrorRequestHandler = (err: { status?: number; code?: string }, _req, res, _next) => {
    res.status(typeof err.status === 'number' ? err.status : 500).json({ code: err.code ?? 'ERR' });
  };
  app.use(onError);
  const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address() as { port: number };
    process.stdout.write(`listening ${address.port}\n`);
  });
  process.on('SIGTERM', () => {
    server.close();
    void refreshCoordinator?.close();
    void redis.quit().catch(() => undefined).finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`app-process failed: ${(err as Error).message}\n`);
  process.exit(1);
});
