import { RobloxConfigurationError } from '../errors';

/**
 * Checks of the options the Redis helpers share (`secret`, `prefix`, durations), each failure a
 * RobloxConfigurationError that names its owner and option.
 *
 * @example
 * ```ts
 * const check = redisOptionChecks('RedisTokenStore');
 * check.secret(options.secret);
 * const ttlMs = check.ms('ttlMs', options.ttlMs, 90 * 86_400_000, 60_000);
 * ```
 */
export function redisOptionChecks(owner: string) {
  const fail = (msg: string) => new RobloxConfigurationError(`${owner} ${msg}`);
  return {
    fail,
    object(options: unknown): void {
      if (!options || typeof options !== 'object') throw fail('requires an options object');
    },
    secret(secret: unknown): void {
      const length = typeof secret === 'string' ? secret.length : Buffer.isBuffer(secret) ? secret.length : 0;
      if (length < 32) throw fail('secret option must be a string (or Buffer) of at least 32 characters, the same on every instance');
    },
    prefix(prefix: unknown, fallback: string): string {
      const value = prefix ?? fallback;
      if (typeof value !== 'string' || value.length > 128) throw fail('prefix option must be a string of at most 128 characters');
      return value;
    },
    /** A duration in ms between `min` and 2^31 − 1 (setTimeout's bound). */
    ms(name: string, value: unknown, fallback: number, min: number, max = 2_147_483_647): number {
      if (value === undefined) return fallback;
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
        throw fail(`${name} option must be a number of milliseconds ≥ ${min}`);
      }
      return value;
    },
  };
}
