/**
 * A refresh answer can carry a new refresh token beside a malformed field. The old refresh token is spent by then,
 * so the new one is the grant's only key: it must reach the store even though the refresh failed. It rides beside
 * the error in a WeakMap, never on it, so that logging or serializing the error cannot leak it.
 */
const rescued = new WeakMap<object, string>();

/**
 * Records the new refresh token a failed refresh answer still carried.
 *
 * @example
 * ```ts
 * try { tokens = tokenSetFromResponse(json); } catch (err) { rescueRefreshToken(err, json.refresh_token); throw err; }
 * ```
 */
export function rescueRefreshToken(err: unknown, refreshToken: string): void {
  if (typeof err === 'object' && err !== null) rescued.set(err, refreshToken);
}

/**
 * The new refresh token that a failed refresh still obtained (the one sent is spent), if any: store it in place of
 * the old one, keeping the rest of the TokenSet, so that the next refresh uses it.
 *
 * @example
 * ```ts
 * const next = rescuedRefreshToken(err);
 * if (next) await store.set(req, { ...tokens, refreshToken: next });
 * ```
 */
export function rescuedRefreshToken(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? rescued.get(err) : undefined;
}
