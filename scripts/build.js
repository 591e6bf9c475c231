#!/usr/bin/env node
// Builds dist/: CommonJS and declarations from tsc, then thin ESM wrappers so that
// `import { RobloxStrategy } from 'passport-roblox-oidc'` gets real named exports.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

for (const entry of ['index', 'emulator/index', 'redis/index', 'fastify/index']) {
  const cjs = path.join(dist, `${entry}.js`);
  const names = Object.keys(require(cjs)).filter((n) => n !== 'default' && n !== '__esModule');
  const base = `./${path.basename(entry)}.js`;
  const body = [
    `import cjs from '${base}';`,
    ...names.map((n) => `export const ${n} = cjs.${n};`),
    'export default cjs;',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dist, `${entry}.mjs`), body);
}

const cli = path.join(dist, 'emulator', 'cli.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
