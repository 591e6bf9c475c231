// The package as users install it: `npm pack`, then fresh projects that require() it from CommonJS,
// import it from ESM, type-check against its published types in strict TypeScript, and run its bin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work;
let consumer;
let packed;

const run = (cmd, args, cwd, extra = {}) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000, ...extra });

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'prox-pack-'));
  [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], root));
  consumer = path.join(work, 'consumer');
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run(npm, ['install', '--no-audit', '--no-fund', path.join(work, packed.filename), 'typescript@^5', '@types/node@20', 'express@5', 'express-session', 'passport'], consumer);
});

after(() => fs.rmSync(work, { recursive: true, force: true }));

test('the tarball holds only what users need', () => {
  const files = packed.files.map((f) => f.path);
  console.log(`tarball: ${packed.filename}, ${packed.size} bytes packed, ${packed.unpackedSize} bytes unpacked, ${files.length} files`);
  assert.ok(files.includes('dist/index.js') && files.includes('dist/index.mjs') && files.includes('dist/index.d.ts'));
  assert.ok(files.includes('dist/emulator/index.js') && files.includes('dist/emulator/cli.js'));
  assert.ok(files.includes('README.md') && files.includes('package.json'));
  const stray = files.filter((f) => !/^(dist\/|README\.md$|LICENSE$|package\.json$)/.test(f) || /\.test\.|\.env/.test(f));
  assert.deepEqual(stray, []);
});

test('CommonJS consumers require() the package and the emulator subpath', () => {
  const out = run(process.execPath, ['-e', `
    const lib = require('passport-roblox-oidc');
    const { createRobloxEmulator } = require('passport-roblox-oidc/emulator');
    const cloud = require('passport-roblox-oidc/open-cloud');
    if (typeof cloud.openCloud !== 'function' || typeof cloud.OpenCloudClient !== 'function') throw new Error('open-cloud exports');
    if (lib.RobloxStrategy !== lib.Strategy) throw new Error('Strategy alias missing');
    for (const n of ['RobloxClient', 'refreshTokens', 'revokeTokens', 'authorizedResources']) if (typeof lib[n] !== 'function') throw new Error(n);
    const s = new lib.RobloxStrategy({ clientID: 'x', clientSecret: 'y', callbackURL: 'https://app.example/cb' }, () => {});
    console.log(s.name, typeof createRobloxEmulator);
  `], consumer);
  assert.equal(out.trim(), 'roblox function');
});

test('ESM consumers import named exports, and the emulator serves discovery', async () => {
  const out = run(process.execPath, ['--input-type=module', '-e', `
    import { RobloxStrategy, Strategy, RobloxClient, refreshTokens } from 'passport-roblox-oidc';
    import { createRobloxEmulator } from 'passport-roblox-oidc/emulator';
    import { openCloud, OpenCloudClient, RobloxRateLimitError } from 'passport-roblox-oidc/open-cloud';
    if (typeof openCloud !== 'function' || typeof OpenCloudClient !== 'function' || typeof RobloxRateLimitError !== 'function') throw new Error('open-cloud exports');
    if (RobloxStrategy !== Strategy || typeof RobloxClient !== 'function' || typeof refreshTokens !== 'function') throw new Error('exports');
    const emu = await createRobloxEmulator({ port: 0 });
    const doc = await (await fetch(emu.issuer + '.well-known/openid-configuration')).json();
    console.log(doc.issuer === emu.issuer ? 'ok' : 'mismatch');
    await emu.close();
  `], consumer);
  assert.equal(out.trim(), 'ok');
});

test('a strict TypeScript consumer type-checks against the published types', () => {
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', noEmit: true, types: ['node'] },
    files: ['app.ts'],
  }));
  fs.writeFileSync(path.join(consumer, 'app.ts'), `
    import express from 'express';
    import passport from 'passport';
    import { RobloxStrategy, RobloxClient, refreshTokens, revokeTokens, authorizedResources, type RobloxProfile, type TokenSet, RobloxError } from 'passport-roblox-oidc';
    import { createRobloxEmulator } from 'passport-roblox-oidc/emulator';
    import { openCloud, type OpenCloudUser } from 'passport-roblox-oidc/open-cloud';

    interface User { id: string; name: string }
    const strategy = new RobloxStrategy(
      { clientID: 'id', clientSecret: 'secret', callbackURL: 'https://app.example/auth/roblox/callback' },
      (accessToken: string, refreshToken: string | undefined, profile: RobloxProfile, done: (err: unknown, user?: User) => void) =>
        done(null, { id: profile.id, name: profile.displayName }),
    );
    passport.use(strategy);
    const client: RobloxClient = strategy.client;
    const app = express();
    app.get('/tokens', refreshTokens({ client }), (req, res) => {
      const t: TokenSet | undefined = req.robloxTokens;
      res.json({ expiresAt: t?.expiresAt, universes: req.robloxResources?.universes.length });
    });
    app.post('/logout', revokeTokens({ client }), (_req, res) => res.redirect('/'));
    app.get('/resources', authorizedResources({ client }), (_req, res) => res.end());
    app.get('/me/roblox', openCloud({ client }), async (req, res) => {
      const user: OpenCloudUser = await req.robloxCloud!.users.get('1');
      for await (const m of req.robloxCloud!.groups.memberships('7')) console.log(m.user);
      res.json(user.displayName);
    });
    const err: unknown = new Error();
    if (err instanceof RobloxError) console.log(err.code.toUpperCase());
    void createRobloxEmulator({ port: 0 }).then((emu) => emu.close());
  `);
  try {
    run(process.execPath, [path.join(consumer, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer], consumer);
  } catch (err) {
    assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`);
  }
});

test('the roblox-oauth-emulator bin prints help and starts', async () => {
  const bin = path.join(consumer, 'node_modules', '.bin', 'roblox-oauth-emulator');
  assert.match(run(bin, ['--help'], consumer), /--port/);
  const child = spawn(bin, ['--port', '0'], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.kill('SIGTERM');
  }
});

test('npx roblox-oauth-emulator works from the repository itself after npm install', () => {
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  assert.match(run(npx, ['--no-install', 'roblox-oauth-emulator', '--help'], root), /Usage: roblox-oauth-emulator/);
});
