// Mutation testing (npm run test:mutation): StrykerJS with the Jest runner over the security-critical files.
// scripts/mutation.js runs Stryker once per target (MUTATE=<target>), each with its own incremental file and report
// under reports/mutation/, so that a run fits this machine and a later run only retests what changed.
// Each target: the code mutated, and the tests that hold its promises (a narrow selection: every integration test
// logs in, so "every test that covers the mutant" would run most of the suite per mutant).
const TARGETS = {
  'id-token': {
    mutate: 'src/provider/id-token.ts',
    tests: ['integration/strategy-id-token', 'integration/promises', 'integration/client', 'integration/strategy-provider-failures',
      'integration/security-provider-values', 'unit/id-token'],
  },
  'state-store': {
    mutate: 'src/login/state-store.ts',
    tests: ['unit/state-store', 'integration/strategy-callback', 'integration/strategy-persist-login', 'integration/cookie-session'],
  },
  // The callback handling: finishLogin and redeem (update the range when the file changes).
  callback: {
    mutate: 'src/login/strategy.ts:158-232',
    tests: ['integration/strategy-callback', 'integration/strategy-id-token', 'integration/strategy-persist-login',
      'integration/strategy-provider-failures', 'integration/strategy-verify', 'integration/promises', 'integration/account-linking',
      'integration/security-provider-values', 'integration/strategy-login', 'integration/strategy-outcomes'],
  },
  'persist-login': {
    mutate: 'src/login/persist-login.ts',
    tests: ['integration/strategy-persist-login', 'integration/strategy-login', 'integration/strategy-callback',
      'integration/strategy-login-not-persisted', 'integration/account-linking', 'integration/cookie-session', 'integration/fastify'],
  },
  http: {
    mutate: 'src/provider/http.ts',
    tests: ['integration/client', 'integration/client-failures', 'integration/promises', 'integration/strategy-provider-failures',
      'integration/security-provider-text', 'integration/security-provider-values', 'integration/middleware-www-authenticate', 'unit/http'],
  },
  // The token middleware: refreshTokens and the refresh logic it shares with the Fastify hooks.
  'refresh-tokens': {
    mutate: ['src/middleware/refresh-tokens.ts', 'src/middleware/refresh-core.ts'],
    tests: ['integration/middleware-refresh', 'integration/middleware-refresh-rescue', 'integration/middleware-refresh-shared-store',
      'integration/middleware-refresh-store-outage', 'integration/middleware-www-authenticate', 'unit/middleware-behaviour',
      'unit/middleware-single-flight', 'unit/middleware-options', 'integration/promises', 'integration/fastify'],
  },
};
const target = process.env.MUTATE ?? 'id-token';
if (!TARGETS[target]) throw new Error(`MUTATE must be one of ${Object.keys(TARGETS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.ts',
    enableFindRelatedTests: false,
    config: { testMatch: TARGETS[target].tests.map((t) => `<rootDir>/test/${t}.test.ts`) },
  },
  // Every mutant runs its target's whole (narrow) test selection, not only the tests Stryker saw covering it: much of
  // an integration test's work runs in beforeAll hooks, servers and timers, which per-test coverage attributes loosely.
  // (Static mutants, e.g. module-level constants, are therefore tested too: ignoreStatic needs per-test coverage.)
  coverageAnalysis: 'all',
  mutate: [TARGETS[target].mutate].flat(),
  incremental: true,
  incrementalFile: `reports/mutation/${target}.incremental.json`,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: `reports/mutation/${target}.html` },
  jsonReporter: { fileName: `reports/mutation/${target}.json` },
  concurrency: 2,
  timeoutMS: 10_000,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
