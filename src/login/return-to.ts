/**
 * True when `value` is a same-site relative path that is safe to redirect to after login: it starts with a
 * single `/`, is not protocol-relative (`//host`, `/\host`), has no scheme, no backslash, no whitespace or
 * control character (browsers strip tabs and newlines, turning `/\t/evil.example` into `//evil.example`),
 * no `.` or `..` segment (raw or percent-encoded), so it always resolves on the same origin and stays where it
 * points when a path is normalized.
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
  if (value[0] !== '/' || value[1] === '/') return false;
  // A single leading `/` with no backslash, whitespace or control character anywhere is a path-absolute
  // reference: it always resolves on the same origin, so no URL parsing is needed (or could refuse more).
  if (/[\s\\\u0000-\u001f\u007f]/.test(value)) return false;
  // No dot segments, raw or percent-encoded: `/./`, `/../` are resolved away by URL parsers and browsers, so
  // `/.//evil.example` would become `//evil.example` in any code that normalizes the path.
  const path = value.split(/[?#]/, 1)[0] as string;
  return !path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}
