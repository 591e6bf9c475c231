#!/usr/bin/env node
// npm run test:mutation [-- target ...]: runs Stryker (stryker.config.mjs) once per target, one after another.
// Targets: id-token, state-store, callback, persist-login, http, refresh-tokens (default: all).
// Flags (e.g. --force: retest every mutant, as after a change to tests only) are passed on to Stryker. Incremental
// reuse cannot see a changed or new test here: with coverageAnalysis "all" Stryker does not know which test covers
// which mutant, so run with --force after adding tests.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const ALL = ['id-token', 'state-store', 'callback', 'persist-login', 'http', 'refresh-tokens'];
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--'));
const named = args.filter((a) => !a.startsWith('--'));
const targets = named.length > 0 ? named : ALL;
const stryker = path.join(__dirname, '..', 'node_modules', '.bin', 'stryker');
let failed = 0;
for (const target of targets) {
  if (!ALL.includes(target)) {
    console.error(`unknown target ${target} (one of ${ALL.join(', ')})`);
    process.exit(2);
  }
  console.log(`\n== mutation testing: ${target}`);
  const run = spawnSync(stryker, ['run', 'stryker.config.mjs', ...flags], { stdio: 'inherit', env: { ...process.env, MUTATE: target } });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
