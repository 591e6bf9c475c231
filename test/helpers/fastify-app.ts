import type { RobloxEmulator } from '../../src/emulator';
import { RobloxStrategy, type TokenStore } from '../../src';
import { CALLBACK_URL, CLIENT_ID, CLIENT_SECRET } from './emulator';

/** Which Fastify major and which session plugin an app is built with (the packages are installed under npm aliases). */
export interface FastifyFlavour {
  major: 4 | 5;
  session: 'secure-session' | 'session';
}

export const FASTIFY_FLAVOURS: FastifyFlavour[] = [
  { major: 4, session: 'secure-session' },
  { major: 4, session: 'session' },
  { major: 5, session: 'secure-session' },
  { major: 5, session: 'session' },
];

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */
export function fastifyPackages(major: 4 | 5): { fastify: any; passport: any; secureSession: any; session: any; cookie: any } {
  return major === 4
    ? {
        fastify: require('fastify4'),
        passport: require('fastify-passport4'),
        secureSession: require('fastify-secure-session4'),
        session: require('fastify-session4'),
        cookie: require('fastify-cookie4'),
      }
    : {
        fastify: require('fastify'),
        passport: require('@fastify/passport'),
        secureSession: require('@fastify/secure-session'),
        session: require('@fastify/session'),
        cookie: require('@fastify/cookie'),
      };
}

/** Options of {@link createFastifyApp}. */
export interface FastifyAppOptions extends FastifyFlavour {
  emulator: Pick<RobloxEmulator, 'issuer'>;
  /** The strategy's tokenStore, also handed to the routes. */
  tokenStore?: TokenStore;
  /** @fastify/passport's user serializer; default: the whole user. */
  serializeUser?: (user: unknown) => Promise<unknown>;
  /** Routes added after the auth routes. */
  routes?: (app: any, ctx: { strategy: RobloxStrategy; passport: any }) => void;
}

/**
 * A Fastify app as its documentation sets it up: the session plugin, @fastify/passport's initialize and
 * secureSession (which serves both session plugins), the strategy, and these routes: `GET /auth/roblox`,
 * `GET /auth/roblox/callback` (failureRedirect `/login-failed`, successRedirect `/`), `GET /me`
 * (`{ authenticated, user }`). Listens on 127.0.0.1, any free port.
 */
export async function createFastifyApp(options: FastifyAppOptions): Promise<{ app: any; url: string; strategy: RobloxStrategy; close: () => Promise<void> }> {
  const pkgs = fastifyPackages(options.major);
  const app = pkgs.fastify({ logger: false });
  if (options.session === 'secure-session') {
    await app.register(pkgs.secureSession, {
      key: Buffer.alloc(32, 7),
      cookie: { path: '/', httpOnly: true, sameSite: 'lax' },
    });
  } else {
    await app.register(pkgs.cookie);
    await app.register(pkgs.session, {
      secret: 'a test session secret of at least 32 characters',
      cookie: { path: '/', secure: false, httpOnly: true, sameSite: 'lax' },
      saveUninitialized: false,
    });
  }
  const passport = new pkgs.passport.Authenticator();
  await app.register(passport.initialize());
  await app.register(passport.secureSession());
  passport.registerUserSerializer(options.serializeUser ?? (async (user: unknown) => user));
  passport.registerUserDeserializer(async (user: unknown) => user);

  const strategy = new RobloxStrategy(
    {
      clientID: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      callbackURL: CALLBACK_URL,
      issuer: options.emulator.issuer,
      timeout: 2000,
      ...(options.tokenStore ? { tokenStore: options.tokenStore } : {}),
    },
    async (_accessToken, _refreshToken, profile) => ({ id: profile.id, displayName: profile.displayName }),
  );
  passport.use('roblox', strategy);

  app.get('/auth/roblox', { preValidation: passport.authenticate('roblox') }, async () => 'unreachable');
  app.get(
    '/auth/roblox/callback',
    { preValidation: passport.authenticate('roblox', { failureRedirect: '/login-failed', successRedirect: '/' }) },
    async () => 'unreachable',
  );
  app.get('/login-failed', async () => ({ failed: true }));
  app.get('/me', async (request: any) => ({ authenticated: request.isAuthenticated(), user: request.user ?? null }));
  options.routes?.(app, { strategy, passport });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, strategy, close: () => app.close() };
}
