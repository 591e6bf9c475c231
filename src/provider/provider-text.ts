/**
 * Provider text never becomes our text. Whatever a provider sends (an `error`, an `error_description`, a
 * claim, a header) is kept, if at all, only through these two functions: an OAuth error code is accepted only
 * in its registered shape, and free text is stripped of control characters, has every secret we sent redacted,
 * and is capped, so that it is safe to log and to inspect.
 */

/** The longest provider text kept (in characters), e.g. as `RobloxOAuthError.errorDescription`. */
export const PROVIDER_TEXT_MAX = 256;

/** What replaces a secret, code, verifier or token found in provider text. */
export const REDACTED = '[redacted]';

/**
 * An OAuth error code as a provider may send it (RFC 6749 limits it to printable ASCII; we accept the usual
 * `snake_case`/dotted shape up to 64 characters). Anything else is reported as `invalid_response`.
 */
export function oauthErrorCode(value: unknown): string {
  return typeof value === 'string' && /^[a-z0-9_.-]{1,64}$/i.test(value) ? value : 'invalid_response';
}

/**
 * Provider free text made safe to keep: undefined unless a string; control characters removed (no forged log
 * lines, no CRLF); every value of `secrets` redacted in the forms a provider could echo it (as sent, percent-
 * or form-encoded, JSON-escaped, base64); then capped at {@link PROVIDER_TEXT_MAX} characters.
 * Redaction runs before the cap, so a secret cannot be half-cut into the kept part.
 */
export function providerText(value: unknown, secrets: readonly string[] = []): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Removed, not replaced: a control character inside an echoed secret must not split it past redaction.
  let text = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '');
  for (const form of secretForms(secrets)) text = text.split(form).join(REDACTED);
  return text.length > PROVIDER_TEXT_MAX ? `${text.slice(0, PROVIDER_TEXT_MAX - 1)}…` : text;
}

/** Every spelling of each secret that an echo of our request could contain, longest first. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    // Very short values (a one-character secret) would redact ordinary words; real secrets are long.
    if (typeof secret !== 'string' || secret.length < 4) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(Buffer.from(secret).toString('base64'));
    forms.add(Buffer.from(secret).toString('base64url'));
  }
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}
