// Mutation testing (npm run test:mutation): StrykerJS with the Jest runner over the security-critical files.
// scripts/mutation.js runs Stryker once per target (MUTATE=<target>), each with its own incremental file and report
// under reports/mutation/, so that a run fits this machine and a later run only retests what changed.
const TARGETS = {
  'id-token': 'src/provider/id-token.ts',
  'state-store': 'src/login/state-store.ts',
  // The callback handling: finishLogin and redeem.
  callback: 'src/login/strategy.ts:156-219',
  'persist-login': 'src/login/persist-login.ts',
  http: 'src/provider/http.ts',
  'refresh-tokens': 'src/middleware/refresh-tokens.ts',
};
const target = process.env.MUTATE ?? 'id-token';
if (!TARGETS[target]) throw new Error(`MUTATE must be one of ${Object.keys(TARGETS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  // src/ is added to Jest's roots so that --findRelatedTests can follow imports from the mutated file to the tests
  // (with roots: ['test'] alone it finds none and too few tests run).
  jest: { configFile: 'jest.config.ts', enableFindRelatedTests: true, config: { roots: ['<rootDir>/test', '<rootDir>/src'] } },
  coverageAnalysis: 'perTest',
  mutate: [TARGETS[target]],
  ignoreStatic: true,
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
