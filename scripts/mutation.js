#!/usr/bin/env node
// npm run test:mutation [-- target ...]: runs Stryker (stryker.config.mjs) once per target, one after another.
// Targets: id-token, state-store, callback, persist-login, http, refresh-tokens (default: all).
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ALL = ['id-token', 'state-store', 'callback', 'persist-login', 'http', 'refresh-tokens'];
const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ALL;
const stryker = path.join(__dirname, '..', 'node_modules', '.bin', 'stryker');
let failed = 0;
for (const target of targets) {
  if (!ALL.includes(target)) {
    console.error(`unknown target ${target} (one of ${ALL.join(', ')})`);
    process.exit(2);
  }
  console.log(`\n== mutation testing: ${target}`);
  const run = spawnSync(stryker, ['run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, MUTATE: target } });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
