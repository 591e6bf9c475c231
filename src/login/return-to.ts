/**
 * True when `value` is a same-site relative path that is safe to redirect to after login: it starts with a
 * single `/`, is not protocol-relative (`//host`, `/\host`), has no scheme, no backslash, no whitespace or
 * control character (browsers strip tabs and newlines, turning `/\t/evil.example` into `//evil.example`),
 * no `.` or `..` segment (raw or percent-encoded),
 * and stays on the same origin when resolved.
 *
 * @example
 * ```ts
 * isSafeReturnTo('/dashboard?tab=1'); // true
 * isSafeReturnTo('//evil.example');   // false
 * isSafeReturnTo('https://evil.example'); // false
 * ```
 */
export function isSafeReturnTo(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return false;
  if (value[0] !== '/' || value[1] === '/' || value[1] === '\\') return false;
  if (/[\s\\\u0000-\u001f\u007f]/.test(value)) return false;
  // No dot segments, raw or percent-encoded: `/./`, `/../` are resolved away by URL parsers and browsers, so
  // `/.//evil.example` would become `//evil.example` in any code that normalizes the path.
  const path = value.split(/[?#]/, 1)[0] as string;
  if (path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))) return false;
  try {
    const base = 'http://return-to.invalid';
    const resolved = new URL(value, base);
    return resolved.origin === base;
  } catch {
    return false;
  }
}
