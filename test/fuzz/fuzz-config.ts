// Shared settings of the property-based suite: a fixed seed (the same cases every run, so a failure reproduces)
// and a bounded number of runs (the whole suite stays within seconds in `npm test`).
// Set FUZZ_SEED / FUZZ_RUNS to explore further locally.
import fc from 'fast-check';

export const FUZZ = {
  seed: Number(process.env.FUZZ_SEED ?? 20261203),
  numRuns: Number(process.env.FUZZ_RUNS ?? 60),
} as const;

/** Property options for the HTTP-level properties, which cost a login each. */
export const FUZZ_HTTP = { ...FUZZ, numRuns: Math.max(10, Math.round(FUZZ.numRuns / 2)) } as const;

/** JSON-ish values of every type, including the awkward ones (huge numbers, control characters, nesting). */
export const anyJsonValue = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 8.64e15, 1.5, '', ' ', '\r\n', '\u0000',
    'javascript:alert(1)', '//evil.example', 'https://evil.example/', '<script>alert(1)</script>', '__proto__', 'constructor'),
  fc.string({ maxLength: 40 }),
  fc.fullUnicodeString({ maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

/** The failure codes RobloxStrategy documents for `fail()` (README, "Failures and errors"). */
export const DOCUMENTED_FAIL_CODES = new Set([
  'ERR_ROBLOX_ACCESS_DENIED', 'ERR_ROBLOX_AUTHORIZATION', 'ERR_ROBLOX_STATE', 'ERR_ROBLOX_CALLBACK', 'ERR_ROBLOX_OAUTH',
  'ERR_ROBLOX_ID_TOKEN', 'ERR_ROBLOX_USERINFO', 'ERR_ROBLOX_VERIFY',
]);

/** The error codes the README documents for provider faults reaching `next(err)`, with their statuses. */
export const DOCUMENTED_ERRORS: Record<string, number> = {
  ERR_ROBLOX_RESPONSE: 502, ERR_ROBLOX_OAUTH: 502, ERR_ROBLOX_TIMEOUT: 504, ERR_ROBLOX_NETWORK: 502, ERR_ROBLOX_DISCOVERY: 502,
};
