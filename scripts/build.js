#!/usr/bin/env node
// Builds dist/: CommonJS and declarations from tsc, then, for every subpath in package.json `exports`, a thin ESM
// wrapper (`.mjs`, so that `import { RobloxStrategy } from 'passport-roblox-oidc'` gets real named exports) and its
// declarations (`.d.mts`, re-exporting the CommonJS ones so both module systems see the same types).
// A subpath whose `src/<name>/index.ts` does not exist is skipped with a warning; a subpath whose `exports` entry or
// `typesVersions` entry is not in the expected shape fails the build with the entry to write, or, with `--fix`,
// has it written into package.json (e.g. after adding `"./redis": {}` to `exports`).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** `.` → `index`, `./emulator` → `emulator/index`. */
const entryOf = (subpath) => (subpath === '.' ? 'index' : `${subpath.slice(2)}/index`);

/** The `exports` entry every subpath must have: types per condition, beside the file they describe. */
function expectedExport(entry) {
  return {
    import: { types: `./dist/${entry}.d.mts`, default: `./dist/${entry}.mjs` },
    require: { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` },
  };
}

const subpaths = Object.keys(pkg.exports ?? {}).filter((s) => s !== './package.json');
const entries = [];
const problems = [];
for (const subpath of subpaths) {
  const entry = entryOf(subpath);
  if (!fs.existsSync(path.join(root, 'src', `${entry}.ts`))) {
    console.warn(`[build] warning: package.json exports ${subpath} but src/${entry}.ts does not exist; skipped`);
    continue;
  }
  entries.push(entry);
  const want = expectedExport(entry);
  if (JSON.stringify(pkg.exports[subpath]) !== JSON.stringify(want)) {
    problems.push(`exports["${subpath}"] must be ${JSON.stringify(want)}`);
  }
  if (subpath !== '.') {
    const name = subpath.slice(2);
    const mapped = pkg.typesVersions?.['*']?.[name];
    if (JSON.stringify(mapped) !== JSON.stringify([`./dist/${entry}.d.ts`])) {
      problems.push(`typesVersions["*"]["${name}"] must be ["./dist/${entry}.d.ts"] (TypeScript's node10 resolution reads it)`);
    }
  }
}
if (problems.length > 0 && process.argv.includes('--fix')) {
  const versions = {};
  for (const entry of entries) {
    const subpath = entry === 'index' ? '.' : `./${entry.slice(0, -'/index'.length)}`;
    pkg.exports[subpath] = expectedExport(entry);
    if (subpath !== '.') versions[subpath.slice(2)] = [`./dist/${entry}.d.ts`];
  }
  pkg.typesVersions = { ...pkg.typesVersions, '*': { ...pkg.typesVersions?.['*'], ...versions } };
  fs.writeFileSync(path.join(root, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`[build] package.json fixed:\n  ${problems.join('\n  ')}`);
} else if (problems.length > 0) {
  console.error(`[build] package.json is not in the shape the build produces (node scripts/build.js --fix writes it):\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
});

for (const entry of entries) {
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
  // Same declarations for both conditions: the ESM wrapper exports exactly the CommonJS module's names.
  const types = [`import * as cjs from '${base}';`, `export * from '${base}';`, 'export default cjs;', ''].join('\n');
  fs.writeFileSync(path.join(dist, `${entry}.d.mts`), types);
}

const cli = path.join(dist, 'emulator', 'cli.js');
if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
