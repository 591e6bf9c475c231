// The package as users install it: `npm pack`, then fresh apps that install the tarball from the npm registry's
// packages (npm's local cache first): an Express 4 and an Express 5 app in strict TypeScript, each with its own
// @types/express major; a JavaScript CommonJS app (Express 4) and a JavaScript ESM app (Express 5) that complete a
// login against the emulator with passport-roblox-oidc/testing; passport-roblox-oidc/redis on a real redis-server with
// node-redis 5, node-redis 4 and ioredis; a Jest suite configured as docs/testing-your-app.md
// says; the bin; publint --strict and attw on the tarball. Then the framework examples as a user copies them:
// examples/fastify on Fastify 5 with @fastify/passport 4 and 3 and on Fastify 4 with @fastify/passport 2, and
// examples/nestjs (compiled by tsc) on NestJS 11 and 10, each in a fresh app that installs the tarball and its own
// framework, run as its own process and driven through a complete login with passport-roblox-oidc/testing; on each
// NestJS major also the other ways docs/frameworks.md names (callbackArity, session: false, a plain AuthGuard); and
// the server.js of docs/getting-started.md as written.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import net from 'node:net';

const root = path.resolve(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const execFileAsync = promisify(execFile);
let work;
let packed;
let tarball;
const apps = {};

const run = (cmd, args, cwd, extra = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000, ...extra });

/** What each app installs beside the tarball (exact majors: the point is which types an app already has). */
const APPS = {
  ts4: ['express@4', '@types/express@4', 'express-session@1', '@types/express-session@1', 'passport@0.7', '@types/passport@1', '@types/passport-oauth2@1', 'typescript@5', '@types/node@20'],
  ts5: ['express@5', '@types/express@5', 'express-session@1', '@types/express-session@1', 'passport@0.7', '@types/passport@1', '@types/passport-oauth2@1', 'supertest@7', '@types/supertest', 'typescript@5', '@types/node@20',
    'jest@29', 'ts-jest@29', '@types/jest@29'],   // and its Jest suite
  cjs4: ['express@4', 'express-session@1', 'passport@0.7', 'supertest@7'],
  esm5: ['express@5', 'express-session@1', 'passport@0.7', 'supertest@7'],
  // passport-roblox-oidc/redis with each client it supports (optional peers: only this app installs them).
  redis: ['express@5', 'express-session@1', 'passport@0.7', 'supertest@7', 'redis@5', 'redis4@npm:redis@4', 'ioredis@5'],
};

/**
 * The framework examples, each copied into an app of its own with the framework versions it is run on (supertest
 * for the test's agent). @fastify/passport 2 is for Fastify 4, 3 and 4 for Fastify 5 (their fastify-plugin majors).
 */
const NEST_TYPES = ['reflect-metadata@0.2', 'rxjs@7', 'express-session@1', 'passport@0.7', 'typescript@5', '@types/node@20', '@types/express-session@1', '@types/passport@1'];
const EXAMPLES = {
  fastify5passport4: { example: 'fastify', deps: ['fastify@5', '@fastify/passport@4', '@fastify/secure-session@8'] },
  fastify5passport3: { example: 'fastify', deps: ['fastify@5', '@fastify/passport@3', '@fastify/secure-session@8'] },
  fastify4passport2: { example: 'fastify', deps: ['fastify@4', '@fastify/passport@2', '@fastify/secure-session@7'] },
  nest11: { example: 'nestjs', deps: ['@nestjs/common@11', '@nestjs/core@11', '@nestjs/passport@11', '@nestjs/platform-express@11', '@types/express@5', ...NEST_TYPES] },
  nest10: { example: 'nestjs', deps: ['@nestjs/common@10', '@nestjs/core@10', '@nestjs/passport@10', '@nestjs/platform-express@10', '@types/express@4', ...NEST_TYPES] },
};
for (const [name, { deps }] of Object.entries(EXAMPLES)) APPS[name] = [...deps, 'supertest@7'];

async function makeApp(name, deps, type) {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, type }));
  try {
    await execFileAsync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...deps], { cwd: dir, timeout: 120_000 });
  } catch (err) {
    throw new Error(`npm install in ${name} failed:\n${err.stdout}${err.stderr}`);
  }
  return dir;
}

before(async () => {
  const started = Date.now();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'prox-pack-'));
  [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], root));
  tarball = path.join(work, packed.filename);
  const packedAt = Date.now();
  const made = await Promise.all(Object.entries(APPS).map(([name, deps]) => makeApp(name, deps, name === 'esm5' ? 'module' : 'commonjs')));
  Object.keys(APPS).forEach((name, i) => { apps[name] = made[i]; });
  console.log(`pack (with build) ${packedAt - started} ms; apps installed in ${Date.now() - packedAt} ms`);
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('the tarball holds only what users need, and no install-time script', () => {
  const files = packed.files.map((f) => f.path);
  console.log(`tarball: ${packed.filename}, ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked, ${files.length} files`);
  for (const entry of ['index', 'emulator/index', 'testing/index']) {
    for (const ext of ['.js', '.mjs', '.d.ts', '.d.mts']) assert.ok(files.includes(`dist/${entry}${ext}`), `dist/${entry}${ext}`);
  }
  assert.ok(files.includes('dist/emulator/cli.js'));
  assert.ok(files.includes('README.md') && files.includes('package.json'));
  const stray = files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f) || /\.test\.|\.env/.test(f));
  assert.deepEqual(stray, []);
  const manifest = JSON.parse(fs.readFileSync(path.join(apps.cjs4, 'node_modules', 'passport-roblox-oidc', 'package.json'), 'utf8'));
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(manifest.scripts?.[script], undefined, script);
  assert.equal(manifest.type, 'commonjs');
  for (const types of ['@types/express', '@types/passport', '@types/passport-oauth2']) {
    assert.equal(manifest.dependencies[types], undefined, `${types} is not a dependency`);
    assert.equal(manifest.peerDependenciesMeta[types]?.optional, true, `${types} is an optional peer`);
  }
});

test('publint --strict finds nothing in the tarball', () => {
  let out;
  try {
    out = run(process.execPath, [path.join(root, 'node_modules', 'publint', 'src', 'cli.js'), 'run', tarball, '--strict'], root);
  } catch (err) {
    assert.fail(`publint failed:\n${err.stdout}${err.stderr}`);
  }
  console.log(out.trim());
  assert.match(out, /All good!/);
});

test('@arethetypeswrong/cli finds no problem in any entry of the tarball', () => {
  let out;
  try {
    out = run(bin('attw'), [tarball, '--no-definitely-typed', '--no-emoji', '--no-color', '--format', 'table-flipped'], root);
  } catch (err) {
    assert.fail(`attw failed:\n${err.stdout}${err.stderr}`);
  }
  console.log(out.trim());
  assert.match(out, /No problems found/);
  for (const entry of ['"passport-roblox-oidc"', '"passport-roblox-oidc/emulator"', '"passport-roblox-oidc/testing"']) assert.ok(out.includes(entry), entry);
});

/** The app every consumer builds: a strategy on the emulator, its routes, and the middleware. */
const expressApp = (lib) => `
    const strategy = new RobloxStrategy(
      { clientID: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET, callbackURL: 'http://127.0.0.1:3000/auth/roblox/callback', issuer: emulator.issuer },
      (accessToken, refreshToken, profile, done) => done(null, { id: profile.id, name: profile.displayName }),
    );
    const passport = new Passport();
    passport.use(strategy);
    passport.serializeUser((user, done) => done(null, user));
    passport.deserializeUser((user, done) => done(null, user));
    const app = express();
    app.use(session({ secret: 'package-test', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());
    app.get('/auth/roblox', passport.authenticate('roblox'));
    app.get('/auth/roblox/callback', passport.authenticate('roblox', { failureRedirect: '/login', successRedirect: '/' }));
    app.get('/me', refreshTokens({ client: strategy.client }), (req, res) => res.json({ id: req.user.id, scope: req.robloxTokens.scope, lib: '${lib}' }));
    app.get('/resources', authorizedResources({ client: strategy.client }), (req, res) => res.json({ universes: req.robloxResources.universes.length }));
    app.post('/logout', revokeTokens({ client: strategy.client }), (req, res) => res.json({ revoked: !req.robloxRevokeError }));
`;

/** Signs in as the emulator's second user with the testing helper, then calls the protected routes. */
const signInAndCall = `
    const user = emulator.users[1].sub;
    const agent = await signInWithRoblox(app, { emulator, user, failureRedirect: '/login' });
    const me = await agent.get('/me').expect(200);
    const resources = await agent.get('/resources').expect(200);
    const logout = await agent.post('/logout').expect(200);
    await agent.get('/me').expect(401);
    console.log(JSON.stringify({ ...me.body, signedInAs: me.body.id === user, universes: resources.body.universes, revoked: logout.body.revoked }));
`;

test('a JavaScript CommonJS app on Express 4 completes a login against the emulator', () => {
  fs.writeFileSync(path.join(apps.cjs4, 'app.js'), `
    const express = require('express');
    const session = require('express-session');
    const { Passport } = require('passport');
    const { RobloxStrategy, Strategy, refreshTokens, revokeTokens, authorizedResources } = require('passport-roblox-oidc');
    const { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } = require('passport-roblox-oidc/emulator');
    const { signInWithRoblox, SignInWithRobloxError } = require('passport-roblox-oidc/testing');
    if (RobloxStrategy !== Strategy || typeof SignInWithRobloxError !== 'function') throw new Error('exports');
    (async () => {
      const emulator = await createRobloxEmulator({ port: 0, autoApprove: true });
      try {
        ${expressApp('cjs')}
        ${signInAndCall}
      } finally {
        await emulator.close();
      }
    })().catch((err) => { console.error(err); process.exit(1); });
  `);
  const out = JSON.parse(run(process.execPath, ['app.js'], apps.cjs4));
  assert.deepEqual(out, { id: out.id, scope: ['openid', 'profile'], lib: 'cjs', signedInAs: true, universes: out.universes, revoked: true });
  assert.equal(typeof out.universes, 'number');
});

test('a JavaScript ESM app on Express 5 completes a login against the emulator', () => {
  fs.writeFileSync(path.join(apps.esm5, 'app.js'), `
    import express from 'express';
    import session from 'express-session';
    import { Passport } from 'passport';
    import { RobloxStrategy, refreshTokens, revokeTokens, authorizedResources } from 'passport-roblox-oidc';
    import { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } from 'passport-roblox-oidc/emulator';
    import { signInWithRoblox } from 'passport-roblox-oidc/testing';
    import testingDefault from 'passport-roblox-oidc/testing';
    if (testingDefault.signInWithRoblox !== signInWithRoblox) throw new Error('default export');
    const emulator = await createRobloxEmulator({ port: 0, autoApprove: true });
    try {
      ${expressApp('esm')}
      ${signInAndCall}
    } finally {
      await emulator.close();
    }
  `);
  const out = JSON.parse(run(process.execPath, ['app.js'], apps.esm5));
  assert.deepEqual(out, { id: out.id, scope: ['openid', 'profile'], lib: 'esm', signedInAs: true, universes: out.universes, revoked: true });
  assert.equal(typeof out.universes, 'number');
});

test('passport-roblox-oidc/redis from the tarball, on a real redis-server, with node-redis 5, node-redis 4 and ioredis: tokens in a RedisTokenStore, refreshes through the coordinator', async () => {
  const { startRedisServer } = createRequire(import.meta.url)(path.join(root, 'scripts', 'redis-server.js'));
  const server = await startRedisServer();
  try {
    fs.writeFileSync(path.join(apps.redis, 'app.js'), `
      const express = require('express');
      const session = require('express-session');
      const request = require('supertest');
      const { Passport } = require('passport');
      const { RobloxStrategy, refreshTokens } = require('passport-roblox-oidc');
      const { createRedisRefreshCoordinator, RedisTokenStore } = require('passport-roblox-oidc/redis');
      const { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET } = require('passport-roblox-oidc/emulator');
      const { signInWithRoblox } = require('passport-roblox-oidc/testing');
      const secret = 'a-secret-of-at-least-32-characters-for-redis';
      const clients = {
        'node-redis 5': async (url) => require('redis').createClient({ url }).connect(),
        'node-redis 4': async (url) => { const c = require('redis4').createClient({ url }); await c.connect(); return c; },
        ioredis: async (url) => { const IORedis = require('ioredis'); const c = new IORedis(url, { enableOfflineQueue: false, lazyConnect: true }); await c.connect(); return c; },
      };
      (async () => {
        // Access tokens live 30 s, under refreshTokens()' 60 s skew: every /tokens request refreshes.
        const emulator = await createRobloxEmulator({ port: 0, autoApprove: true, accessTokenTtl: 30 });
        const out = {};
        for (const [name, connect] of Object.entries(clients)) {
          const redis = await connect(process.env.REDIS_URL);
          const tokenStore = new RedisTokenStore({ redis, secret, prefix: name + ':' });
          const refreshCoordinator = createRedisRefreshCoordinator({ redis, secret, prefix: name + ':r:' });
          const passport = new Passport();
          const strategy = new RobloxStrategy({ clientID: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET,
            callbackURL: 'http://127.0.0.1:3000/auth/roblox/callback', issuer: emulator.issuer, tokenStore, refreshCoordinator },
            (at, rt, profile, done) => done(null, { id: profile.id }));
          passport.use(strategy);
          passport.serializeUser((u, done) => done(null, u));
          passport.deserializeUser((u, done) => done(null, u));
          const app = express();
          app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
          app.use(passport.initialize());
          app.use(passport.session());
          app.get('/auth/roblox', passport.authenticate('roblox'));
          app.get('/auth/roblox/callback', passport.authenticate('roblox', { successRedirect: '/' }));
          app.get('/session', (req, res) => res.json({ tokensInSession: 'robloxTokens' in req.session }));
          app.get('/tokens', refreshTokens({ client: strategy.client, store: tokenStore }), (req, res) => res.json({ refreshToken: req.robloxTokens.refreshToken }));
          emulator.resetCounters();
          const agent = await signInWithRoblox(request.agent(app), { emulator });
          const seen = new Set();
          for (let i = 0; i < 3; i++) seen.add((await agent.get('/tokens').expect(200)).body.refreshToken);
          out[name] = { refreshes: seen.size, tokenCalls: emulator.counters.token, tokensInSession: (await agent.get('/session')).body.tokensInSession };
          await refreshCoordinator.close();
          if (typeof redis.quit === 'function') await redis.quit();
        }
        await emulator.close();
        console.log(JSON.stringify(out));
      })().catch((err) => { console.error(err); process.exit(1); });
    `);
    const out = JSON.parse(run(process.execPath, ['app.js'], apps.redis, { env: { ...process.env, REDIS_URL: server.url } }));
    // Per client: 3 distinct rotated refresh tokens, 1 code exchange + 3 refreshes at the emulator, none in the session.
    const each = { refreshes: 3, tokenCalls: 4, tokensInSession: false };
    assert.deepEqual(out, { 'node-redis 5': each, 'node-redis 4': each, ioredis: each });
  } finally {
    await server.stop();
  }
});

/** A strict TypeScript app using every public middleware and the testing helpers. */
const tsApp = (withSupertest) => `
    import express from 'express';
    import session from 'express-session';
    import passport from 'passport';
    import { RobloxStrategy, RobloxClient, refreshTokens, revokeTokens, authorizedResources, type RobloxProfile, type TokenSet, RobloxError } from 'passport-roblox-oidc';
    import { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID } from 'passport-roblox-oidc/emulator';
    import { signInWithRoblox, SignInWithRobloxError, type SignInResponse } from 'passport-roblox-oidc/testing';
    import { createRedisRefreshCoordinator, RedisTokenStore, type RedisTokenStoreOptions } from 'passport-roblox-oidc/redis';
    ${withSupertest ? "import request from 'supertest';" : ''}

    // The Redis helpers type-check without any Redis client installed (the client is the app's).
    export function redisHelpers(redis: unknown, secret: string) {
      const options: RedisTokenStoreOptions = { redis, secret, key: (req) => (req.user as { id?: string } | undefined)?.id };
      return { tokenStore: new RedisTokenStore(options), refreshCoordinator: createRedisRefreshCoordinator({ redis, secret }) };
    }

    interface User { id: string; name: string }
    const strategy = new RobloxStrategy(
      { clientID: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: 'secret', callbackURL: 'https://app.example/auth/roblox/callback' },
      (accessToken: string, refreshToken: string | undefined, profile: RobloxProfile, done: (err: unknown, user?: User) => void) =>
        done(null, { id: profile.id, name: profile.displayName }),
    );
    passport.use(strategy);
    const client: RobloxClient = strategy.client;
    const app = express();
    app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
    app.use(passport.initialize());
    app.use(passport.session());
    app.get('/auth/roblox', passport.authenticate('roblox'));
    app.get('/tokens', refreshTokens({ client }), (req, res) => {
      const t: TokenSet | undefined = req.robloxTokens;
      res.json({ expiresAt: t?.expiresAt, universes: req.robloxResources?.universes.length });
    });
    app.post('/logout', revokeTokens({ client }), (_req, res) => res.redirect('/'));
    app.get('/resources', authorizedResources({ client }), (_req, res) => res.end());
    const err: unknown = new Error();
    if (err instanceof RobloxError) console.log(err.code.toUpperCase());
    if (err instanceof SignInWithRobloxError) console.log(err.step, err.responseStatus);

    export async function signedIn(): Promise<void> {
      const emulator = await createRobloxEmulator({ port: 0 });
      const jar = { get: async (path: string): Promise<SignInResponse & { body: string }> => ({ status: 200, headers: {}, body: path }) };
      const same: typeof jar = await signInWithRoblox(jar, { emulator, user: emulator.users[0]!.sub });
      void same;
      ${withSupertest
        ? "const agent = await signInWithRoblox(request.agent(app), { emulator }); const res = await agent.get('/tokens').expect(200); const n: number = res.status; void n;"
        : "const loose = await signInWithRoblox(app, { emulator: emulator.issuer }); void loose.get('/tokens');"}
      await emulator.close();
    }
`;

/** Type-checks the app's `files` with these compiler options (strict, and the library's .d.ts files checked too). */
async function typeCheck(dir, name, compilerOptions, files = ['app.ts']) {
  fs.writeFileSync(path.join(dir, `tsconfig.${name}.json`), JSON.stringify({
    compilerOptions: { strict: true, target: 'es2022', noEmit: true, types: ['node'], esModuleInterop: true, skipLibCheck: false, ...compilerOptions },
    files,
  }));
  try {
    await execFileAsync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', `tsconfig.${name}.json`], { cwd: dir, timeout: 120_000 });
  } catch (err) {
    assert.fail(`tsc (${name}) failed:\n${err.stdout}${err.stderr}`);
  }
}

/** TypeScript's node10 resolution (`module: commonjs`) finds every subpath through typesVersions. */
const node10App = `
    import { RobloxStrategy, refreshTokens } from 'passport-roblox-oidc';
    import { createRobloxEmulator } from 'passport-roblox-oidc/emulator';
    import { signInWithRoblox, SignInWithRobloxError } from 'passport-roblox-oidc/testing';
    import { RedisTokenStore } from 'passport-roblox-oidc/redis';
    const used: [typeof RobloxStrategy, typeof refreshTokens, typeof createRobloxEmulator, typeof signInWithRoblox, typeof SignInWithRobloxError, typeof RedisTokenStore] =
      [RobloxStrategy, refreshTokens, createRobloxEmulator, signInWithRoblox, SignInWithRobloxError, RedisTokenStore];
    export default used;
`;

/** The node10 check: resolution of the subpaths only (the declarations themselves are checked by the nodenext run). */
function node10Check(dir) {
  fs.writeFileSync(path.join(dir, 'node10.ts'), node10App);
  return typeCheck(dir, 'node10', { module: 'commonjs', moduleResolution: 'node10', skipLibCheck: true }, ['node10.ts']);
}

const typesVersionOf = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '@types', 'express', 'package.json'), 'utf8')).version;

test('a strict TypeScript app with express 4 and @types/express@4 type-checks (nodenext and node10), with no second @types/express', async () => {
  assert.match(typesVersionOf(apps.ts4), /^4\./);
  assert.equal(fs.existsSync(path.join(apps.ts4, 'node_modules', 'passport-roblox-oidc', 'node_modules')), false, 'nothing nested under the package');
  assert.equal(fs.existsSync(path.join(apps.ts4, 'node_modules', 'supertest')), false, 'the testing types need no supertest');
  fs.writeFileSync(path.join(apps.ts4, 'app.ts'), tsApp(false));
  await Promise.all([
    typeCheck(apps.ts4, 'nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }),
    node10Check(apps.ts4),
  ]);
});

test('a strict TypeScript app with express 5 and @types/express@5 type-checks (nodenext, ESM and node10)', async () => {
  assert.match(typesVersionOf(apps.ts5), /^5\./);
  fs.writeFileSync(path.join(apps.ts5, 'app.ts'), tsApp(true));
  fs.copyFileSync(path.join(apps.ts5, 'app.ts'), path.join(apps.ts5, 'app.mts'));
  await Promise.all([
    // One program: app.ts is CommonJS (the app's type), app.mts is ESM, so both conditions' types are checked.
    typeCheck(apps.ts5, 'nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, ['app.ts', 'app.mts']),
    node10Check(apps.ts5),
  ]);
});

test('a Jest 29 suite (in the Express 5 TypeScript app) signs in with the testing helpers, using the jest.config.js of docs/testing-your-app.md', () => {
  const guide = fs.readFileSync(path.join(root, 'docs', 'testing-your-app.md'), 'utf8');
  const config = /```ts\n\/\/ jest\.config\.js[^\n]*\n([\s\S]*?)```/.exec(guide)?.[1];
  assert.ok(config, 'the guide shows a jest.config.js');
  fs.writeFileSync(path.join(apps.ts5, 'jest.config.js'), config);
  fs.writeFileSync(path.join(apps.ts5, 'account.test.ts'), `
    import express from 'express';
    import session from 'express-session';
    import { Passport } from 'passport';
    import request from 'supertest';
    import { RobloxStrategy, refreshTokens } from 'passport-roblox-oidc';
    import { createRobloxEmulator, ROBLOX_EMULATOR_CLIENT_ID, ROBLOX_EMULATOR_CLIENT_SECRET, type RobloxEmulator } from 'passport-roblox-oidc/emulator';
    import { signInWithRoblox } from 'passport-roblox-oidc/testing';

    function createApp(issuer: string) {
      const strategy = new RobloxStrategy(
        { clientID: ROBLOX_EMULATOR_CLIENT_ID, clientSecret: ROBLOX_EMULATOR_CLIENT_SECRET, callbackURL: 'http://127.0.0.1:3000/auth/roblox/callback', issuer },
        async (_at: string, _rt: string | undefined, profile: { id: string }) => ({ id: profile.id }),
      );
      const passport = new Passport();
      passport.use(strategy);
      passport.serializeUser((u: Express.User, done) => done(null, u));
      passport.deserializeUser((u: Express.User, done) => done(null, u));
      const app = express();
      app.use(session({ secret: 's', resave: false, saveUninitialized: false }));
      app.use(passport.initialize());
      app.use(passport.session());
      app.get('/auth/roblox', passport.authenticate('roblox'));
      app.get('/auth/roblox/callback', passport.authenticate('roblox', { failureRedirect: '/login', successRedirect: '/' }));
      app.get('/account', refreshTokens({ client: strategy.client }), (req, res) => { res.json({ id: (req.user as { id: string }).id }); });
      return app;
    }

    let emulator: RobloxEmulator;
    beforeAll(async () => { emulator = await createRobloxEmulator({ port: 0, autoApprove: true }); });
    afterAll(() => emulator.close());

    test('a signed-in user sees their account', async () => {
      const user = emulator.users[1]!.sub;
      const agent = await signInWithRoblox(request.agent(createApp(emulator.issuer)), { emulator, user });
      expect((await agent.get('/account').expect(200)).body.id).toBe(user);
    });
    test('a visitor is asked to sign in', async () => {
      await request(createApp(emulator.issuer)).get('/account').expect(401);
    });
  `);
  try {
    run(process.execPath, [path.join(apps.ts5, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci'], apps.ts5);
  } catch (err) {
    assert.fail(`jest failed:\n${err.stdout}${err.stderr}`);
  }
});

test('the roblox-oauth-emulator bin prints help and starts', async () => {
  const emulatorBin = path.join(apps.cjs4, 'node_modules', '.bin', 'roblox-oauth-emulator');
  assert.match(run(emulatorBin, ['--help'], apps.cjs4), /--port/);
  const child = spawn(emulatorBin, ['--port', '0'], { cwd: apps.cjs4, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const issuer = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no issuer printed: ${out}`)), 15_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/oauth\//);
        if (m) {
          clearTimeout(timer);
          resolve(m[0]);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${issuer}v1/certs`);
    assert.equal(res.status, 200);
    assert.equal((await res.json()).keys[0].alg, 'ES256');
  } finally {
    process.kill(child.pid, 'SIGTERM');
  }
});

test('npx roblox-oauth-emulator works from the repository itself once built (npm pack built it)', () => {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  assert.match(run(npx, ['--no-install', 'roblox-oauth-emulator', '--help'], root), /Usage: roblox-oauth-emulator/);
});

/**
 * Starts a copied example as its own process (PORT=0; access tokens living 30 s, under refreshTokens()' 60 s skew, so
 * that every protected route refreshes) and waits for the lines naming its URL and its emulator's issuer.
 */
function startExample(dir, args, env = {}) {
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: Object.fromEntries(Object.entries({ ...process.env, PORT: '0', EMULATOR_ACCESS_TOKEN_TTL: '30', ...env }).filter(([, v]) => v !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    process.kill(child.pid, 'SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`the example did not start:\n${out}`)); }, 60_000);
    const onData = (chunk) => {
      out += chunk;
      const url = /open (http:\/\/127\.0\.0\.1:\d+)\//i.exec(out)?.[1];
      const issuer = /emulator at (http:\/\/127\.0\.0\.1:\d+\/oauth\/)/.exec(out)?.[1];
      if (url && issuer) {
        clearTimeout(timer);
        resolve({ url, issuer, stop, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the example exited with ${code}:\n${out}`)); });
  });
}

/**
 * Signs in to a running example as the emulator's second user (through its consent page) with the tarball's
 * passport-roblox-oidc/testing, then uses every Roblox route: the profile three times (each a refresh of the stored,
 * single-use refresh token), the experiences, and logout (revocation); the session is over after.
 */
async function driveExample(dir, running) {
  const appRequire = createRequire(path.join(dir, 'package.json'));
  const { signInWithRoblox } = appRequire('passport-roblox-oidc/testing');
  const { ROBLOX_EMULATOR_USERS } = appRequire('passport-roblox-oidc/emulator');
  const request = appRequire('supertest');
  const user = ROBLOX_EMULATOR_USERS[1];
  const agent = request.agent(running.url);
  assert.match((await agent.get('/')).text, /Sign in with Roblox/);
  assert.equal((await agent.get('/me/roblox')).status, 401, 'a visitor has no Roblox tokens');
  await signInWithRoblox(agent, { emulator: running.issuer, user: user.sub });
  assert.match((await agent.get('/')).text, new RegExp(`Signed in as ${user.displayName}`));
  for (let i = 0; i < 3; i++) {
    const me = await agent.get('/me/roblox');
    assert.equal(me.status, 200, `profile call ${i + 1}: ${me.text}`);
    assert.equal(me.body.id, user.sub);
  }
  const experiences = await agent.get('/experiences');
  assert.equal(experiences.status, 200, experiences.text);
  assert.ok(Array.isArray(experiences.body));
  assert.equal((await agent.post('/logout')).status, 303);
  assert.match((await agent.get('/')).text, /Sign in with Roblox/);
  assert.equal((await agent.get('/me/roblox')).status, 401);
}

/** Copies examples/<name> into the app (what a user copies: the example's own files, nothing of the repository). */
function copyExample(name, dir) {
  fs.cpSync(path.join(root, 'examples', name), dir, { recursive: true, filter: (src) => !/node_modules|[\\/]dist$/.test(src) });
}

const version = (dir, pkg) => JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).version;

for (const [name, { example, deps }] of Object.entries(EXAMPLES).filter(([, e]) => e.example === 'fastify')) {
  const [fastifyMajor, passportMajor] = [deps[0], deps[1]].map((d) => d.split('@').pop());
  test(`examples/fastify, copied into an app with Fastify ${fastifyMajor} and @fastify/passport ${passportMajor} and the tarball, signs in, refreshes and signs out`, async () => {
    const dir = apps[name];
    assert.match(version(dir, 'fastify'), new RegExp(`^${fastifyMajor}\\.`));
    assert.match(version(dir, '@fastify/passport'), new RegExp(`^${passportMajor}\\.`));
    copyExample(example, dir);
    const running = await startExample(dir, ['start.js']);
    try {
      await driveExample(dir, running);
    } catch (err) {
      err.message += `\n(example output:\n${running.output()})`;
      throw err;
    } finally {
      await running.stop();
    }
  });
}

/**
 * The NestJS apps built from examples/nestjs: the example as it is, and the other ways docs/frameworks.md names, as
 * edits ([file, text, replacement]; each text must be in the example).
 */
const NEST_VARIANTS = {
  example: [],
  'callback-arity': [
    ['src/roblox.strategy.ts', "PassportStrategy(RobloxStrategy, 'roblox')", "PassportStrategy(RobloxStrategy, 'roblox', true)"],
    ['src/roblox.strategy.ts', "super({ ...config, verifyForm: 'profile' });", 'super({ ...config });'],
  ],
  'session-false': [
    ['src/app.module.ts', 'PassportModule.register({ session: true })', 'PassportModule.register({ session: false })'],
  ],
  'plain-guard': [
    ['src/roblox.guard.ts', "export class RobloxLoginGuard extends AuthGuard('roblox') {", "export class RobloxLoginGuard extends AuthGuard('roblox') {}\nexport class NotUsedGuard extends AuthGuard('roblox') {"],
  ],
};
const nestBuilds = new Map();

/** Copies examples/nestjs into `<app>/<variant>/`, applies the variant's edits and compiles it with its tsconfig (strict). */
async function compileNestVariant(dir, variant) {
  const target = path.join(dir, variant);
  copyExample('nestjs', target);
  for (const [file, text, replacement] of NEST_VARIANTS[variant]) {
    const source = fs.readFileSync(path.join(target, file), 'utf8');
    assert.ok(source.includes(text), `${file} of examples/nestjs contains ${text}`);
    fs.writeFileSync(path.join(target, file), source.replace(text, replacement));
  }
  try {
    await execFileAsync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(variant, 'tsconfig.json')], { cwd: dir, timeout: 120_000 });
  } catch (err) {
    throw new Error(`tsc (${variant}) failed:\n${err.stdout}${err.stderr}`);
  }
}

/** Starts a compiled variant (the app's node_modules serve it); the first call for an app compiles all its variants at once. */
async function startNestVariant(dir, variant) {
  if (!nestBuilds.has(dir)) {
    nestBuilds.set(dir, Object.fromEntries(Object.keys(NEST_VARIANTS).map((v) => {
      const build = compileNestVariant(dir, v);
      build.catch(() => {});   // reported by the test of that variant
      return [v, build];
    })));
  }
  await nestBuilds.get(dir)[variant];
  return startExample(dir, [path.join(variant, 'dist', 'main.js')]);
}

for (const [name, { deps }] of Object.entries(EXAMPLES).filter(([, e]) => e.example === 'nestjs')) {
  const major = deps[0].split('@').pop();
  test(`examples/nestjs, copied into an app with NestJS ${major} (@nestjs/passport ${major}) and the tarball, compiles under strict tsc, signs in, refreshes and signs out`, async () => {
    const dir = apps[name];
    for (const pkg of ['@nestjs/core', '@nestjs/passport']) assert.match(version(dir, pkg), new RegExp(`^${major}\\.`), pkg);
    const running = await startNestVariant(dir, 'example');
    try {
      await driveExample(dir, running);
    } catch (err) {
      err.message += `\n(example output:\n${running.output()})`;
      throw err;
    } finally {
      await running.stop();
    }
  });
}

/** A free port on 127.0.0.1, for an app whose callback URL names its port before it listens. */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

test("docs/getting-started.md's server.js, as written, signs a user in on the emulator (Express 4, the tarball)", async () => {
  const guide = fs.readFileSync(path.join(root, 'docs', 'getting-started.md'), 'utf8');
  const server = /```js\n(\/\/ server\.js\n[\s\S]*?)```/.exec(guide)?.[1];
  assert.ok(server, 'the guide shows server.js');
  fs.writeFileSync(path.join(apps.cjs4, 'server.js'), server);
  const running = await startExample(apps.cjs4, ['server.js'], { PORT: String(await freePort()), ROBLOX_CLIENT_ID: undefined, ROBLOX_REDIRECT_URI: undefined });
  try {
    const appRequire = createRequire(path.join(apps.cjs4, 'package.json'));
    const { signInWithRoblox } = appRequire('passport-roblox-oidc/testing');
    const { ROBLOX_EMULATOR_USERS } = appRequire('passport-roblox-oidc/emulator');
    const request = appRequire('supertest');
    const user = ROBLOX_EMULATOR_USERS[1];
    const agent = request.agent(running.url);
    assert.match((await agent.get('/')).text, /Sign in with Roblox/);
    assert.equal((await agent.get('/me')).status, 401);
    await signInWithRoblox(agent, { emulator: running.issuer, user: user.sub });
    assert.match((await agent.get('/')).text, new RegExp(`Signed in as ${user.displayName}`));
    const me = await agent.get('/me');
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.id, user.sub);
    assert.equal((await agent.post('/logout')).status, 303);
    assert.equal((await agent.get('/me')).status, 401);
  } catch (err) {
    err.message += `\n(server output:\n${running.output()})`;
    throw err;
  } finally {
    await running.stop();
  }
});

for (const name of Object.keys(EXAMPLES).filter((n) => EXAMPLES[n].example === 'nestjs')) {
  const major = EXAMPLES[name].deps[0].split('@').pop();

  test(`NestJS ${major}: PassportStrategy(RobloxStrategy, 'roblox', true) (callbackArity) with no verifyForm signs in, refreshes and signs out`, async () => {
    const running = await startNestVariant(apps[name], 'callback-arity');
    try {
      await driveExample(apps[name], running);
    } catch (err) {
      err.message += `\n(example output:\n${running.output()})`;
      throw err;
    } finally {
      await running.stop();
    }
  });

  test(`NestJS ${major}: the login guard with PassportModule.register({ session: false }) fails the callback loudly (500, a logged message naming the fix), never a signed-in user without tokens`, async () => {
    const running = await startNestVariant(apps[name], 'session-false');
    try {
      const appRequire = createRequire(path.join(apps[name], 'package.json'));
      const { signInWithRoblox, SignInWithRobloxError } = appRequire('passport-roblox-oidc/testing');
      const agent = appRequire('supertest').agent(running.url);
      await assert.rejects(signInWithRoblox(agent, { emulator: running.issuer }),
        (err) => err instanceof SignInWithRobloxError && err.step === 'callback' && err.responseStatus === 500);
      assert.match((await agent.get('/')).text, /Sign in with Roblox/, 'not signed in');
      assert.equal((await agent.get('/me/roblox')).status, 401);
      await new Promise((resolve) => setTimeout(resolve, 200));   // Nest's logger writes asynchronously
      assert.match(running.output(), /RobloxConfigurationError: RobloxStrategy cannot store the Roblox tokens: the login was completed with session: false/);
      assert.match(running.output(), /PassportModule\.register\(\{ session: true \}\)/);
    } catch (err) {
      err.message += `\n(example output:\n${running.output()})`;
      throw err;
    } finally {
      await running.stop();
    }
  });

  test(`NestJS ${major}: a plain AuthGuard('roblox') on the callback (no logIn) leaves nobody signed in, never a signed-in user without tokens, and warns with the fix`, async () => {
    const running = await startNestVariant(apps[name], 'plain-guard');
    try {
      const appRequire = createRequire(path.join(apps[name], 'package.json'));
      const { signInWithRoblox } = appRequire('passport-roblox-oidc/testing');
      const agent = appRequire('supertest').agent(running.url);
      await signInWithRoblox(agent, { emulator: running.issuer });   // the callback itself succeeds (302 to /)
      assert.match((await agent.get('/')).text, /Sign in with Roblox/, 'not signed in');
      assert.equal((await agent.get('/me/roblox')).status, 401);
      // ... and says so loudly, with the fix: a process warning on stderr.
      assert.match(running.output(), /\[ROBLOX_LOGIN_NOT_PERSISTED\].*nothing called req\.logIn/);
      assert.match(running.output(), /super\.logIn\(request\)/);
    } catch (err) {
      err.message += `\n(example output:\n${running.output()})`;
      throw err;
    } finally {
      await running.stop();
    }
  });
}
