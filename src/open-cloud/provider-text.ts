/**
 * Makes provider text fit to keep on an error property: control characters stripped, anything that looks like a
 * token (the ones sent, or any long opaque string) redacted, capped at 200 characters. Never used as a message.
 *
 * @example
 * ```ts
 * providerText('Token eyJhbGciOi… is invalid', [accessToken]);   // 'Token [redacted] is invalid'
 * ```
 */
export function providerText(text: unknown, secrets: readonly string[] = []): string | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  let out = text.slice(0, 2000);
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  out = out.replace(/[A-Za-z0-9_\-.~+/=]{32,}/g, '[redacted]').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}
