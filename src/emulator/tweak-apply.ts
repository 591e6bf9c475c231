/**
 * Applies a body tweak (a patch where `undefined` removes a field, or a function that mutates the body, returns a
 * replacement or returns a raw string) to a JSON answer about to be sent.
 *
 * @example
 * ```ts
 * const out = applyBodyTweak({ sub: '999' }, { sub: '1' }, context); // { sub: '999' }
 * ```
 */
export function applyBodyTweak<C>(
  tweak: Record<string, unknown> | ((body: Record<string, unknown>, context: C) => void | string | Record<string, unknown>),
  body: Record<string, unknown>,
  context: C,
): Record<string, unknown> | string {
  if (typeof tweak === 'function') {
    const out = tweak(body, context);
    return out === undefined ? body : out;
  }
  for (const [k, v] of Object.entries(tweak)) {
    if (v === undefined) delete body[k];
    else body[k] = v;
  }
  return body;
}
