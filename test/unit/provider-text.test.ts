import { inspect } from 'node:util';
import { oauthErrorCode, providerText, PROVIDER_TEXT_MAX, REDACTED } from '../../src/provider/provider-text';
import { RobloxOAuthError } from '../../src/errors';

describe('provider text (rule: our messages are ours)', () => {
  const secret = 'cl1ent-s3cret/with+special chars';
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

  it('redacts every spelling of a secret an echo could contain', () => {
    const echoes = [
      secret,
      encodeURIComponent(secret),
      encodeURIComponent(secret).replace(/%20/g, '+'),
      JSON.stringify(secret).slice(1, -1),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
    ];
    for (const echo of echoes) {
      const text = providerText(`you sent client_secret=${echo}&code_verifier=${verifier}`, [secret, verifier]);
      expect(text).not.toContain(echo);
      expect(text).not.toContain(verifier);
      expect(text).toContain(REDACTED);
    }
  });

  it('removes control characters before redacting, so they cannot split a secret past it', () => {
    const text = providerText(`a\r\nb ${verifier.slice(0, 10)}\u0000${verifier.slice(10)} \u2028c\u0085`, [verifier]);
    expect(text).toBe(`ab ${REDACTED} c`);
  });

  it('caps the text after redaction, so no secret is half-kept', () => {
    const long = `${'x'.repeat(PROVIDER_TEXT_MAX - 5)}${verifier}`;
    const text = providerText(long, [verifier]) as string;
    expect(text.length).toBeLessThanOrEqual(PROVIDER_TEXT_MAX);
    expect(text).not.toContain(verifier.slice(0, 5));
  });

  it('keeps only strings', () => {
    expect(providerText(42)).toBeUndefined();
    expect(providerText({ toString: () => 'x' })).toBeUndefined();
  });

  it('accepts OAuth error codes only in their registered shape', () => {
    expect(oauthErrorCode('invalid_grant')).toBe('invalid_grant');
    expect(oauthErrorCode('invalid_grant\r\nSet-Cookie: x')).toBe('invalid_response');
    expect(oauthErrorCode('<script>')).toBe('invalid_response');
    expect(oauthErrorCode('x'.repeat(65))).toBe('invalid_response');
    expect(oauthErrorCode(undefined)).toBe('invalid_response');
  });

  it('RobloxOAuthError: the message is ours, the description kept safe, and inspect/JSON carry nothing else', () => {
    const err = new RobloxOAuthError('bad\nerror', `echo: ${'y'.repeat(500)}\r\n<script>`, 400);
    expect(err.message).toBe('Roblox answered invalid_response (HTTP 400)');
    expect(err.error).toBe('invalid_response');
    expect(err.errorDescription).not.toMatch(/[\r\n]/);
    expect((err.errorDescription as string).length).toBeLessThanOrEqual(PROVIDER_TEXT_MAX);
    expect(inspect(err)).not.toMatch(/\r|\n\s*<script>/);
    expect(JSON.stringify(err)).not.toContain('\\r');
  });
});
