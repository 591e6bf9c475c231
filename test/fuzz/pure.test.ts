// Issue 9, rule 9 (part 1): properties of the pure checks every provider value goes through.
import fc from 'fast-check';
import { parseProfile } from '../../src/provider/profile';
import { isTokenSet, tokenSetFromResponse, MAX_EXPIRES_IN } from '../../src/tokens/token-set';
import { isSafeReturnTo } from '../../src/login/return-to';
import { providerText, PROVIDER_TEXT_MAX } from '../../src/provider/provider-text';
import { RobloxResponseError } from '../../src/errors';
import { anyJsonValue, FUZZ } from './fuzz-config';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function isSafeURL(value: string): boolean {
  const url = new URL(value);
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
}

describe('fuzz: parseProfile', () => {
  it('never exposes an unchecked URL, an invalid date or a name with control characters', () => {
    const claims = fc.record({
      sub: fc.oneof(fc.constant('1516563360'), fc.string({ minLength: 1, maxLength: 12 })),
      name: anyJsonValue, nickname: anyJsonValue, preferred_username: anyJsonValue,
      profile: fc.oneof(anyJsonValue, fc.webUrl(), fc.constantFrom('JAVASCRIPT:x', ' javascript:x', 'data:,x', 'http://127.0.0.1/x')),
      picture: fc.oneof(anyJsonValue, fc.webUrl()),
      created_at: anyJsonValue,
    }, { requiredKeys: ['sub'] });
    fc.assert(fc.property(claims, (json) => {
      const profile = parseProfile(json);
      if (profile.profileUrl !== undefined && !isSafeURL(profile.profileUrl)) return false;
      if (!profile.photos.every((p) => isSafeURL(p.value))) return false;
      if (profile.createdAt !== undefined && !Number.isFinite(profile.createdAt.getTime())) return false;
      if (profile.createdAt !== undefined) profile.createdAt.toISOString(); // what crashed the demo
      if (CONTROL.test(profile.displayName) && profile.displayName !== json.sub) return false;
      return profile.username === undefined || !CONTROL.test(profile.username);
    }), FUZZ);
  });
});

describe('fuzz: tokenSetFromResponse', () => {
  it('either a readable, bounded TokenSet or a RobloxResponseError whose message quotes nothing it received', () => {
    const body = fc.record({
      access_token: fc.oneof(anyJsonValue, fc.string({ minLength: 1 })),
      token_type: fc.oneof(fc.constantFrom('Bearer', 'bearer', 'MAC'), anyJsonValue),
      expires_in: fc.oneof(fc.integer({ min: -10, max: MAX_EXPIRES_IN + 10 }), anyJsonValue),
      refresh_token: anyJsonValue, id_token: anyJsonValue, scope: anyJsonValue,
    }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(body, anyJsonValue), (b) => {
      try {
        const tokens = tokenSetFromResponse(b, ['openid'], 1_000);
        return isTokenSet(tokens) && tokens.expiresAt <= 1_000 + MAX_EXPIRES_IN * 1000 && JSON.parse(JSON.stringify(tokens)).expiresAt === tokens.expiresAt;
      } catch (err) {
        if (!(err instanceof RobloxResponseError)) return false;
        const values = typeof b === 'object' && b !== null ? Object.values(b).filter((v): v is string => typeof v === 'string' && v.length > 3) : [];
        return values.every((v) => !err.message.includes(v));
      }
    }), FUZZ);
  });
});

describe('fuzz: isSafeReturnTo', () => {
  it('whatever it accepts stays a same-origin path after any URL normalization', () => {
    const pieces = fc.array(fc.constantFrom('/', '//', '.', '..', '%2e', '%2E', '%2f', '\\', 'evil.example', 'a', '?', '#', '@', ':', '\t', ' ', 'https:'), { maxLength: 8 });
    const candidate = fc.oneof(pieces.map((p) => p.join('')), pieces.map((p) => `/${p.join('')}`), fc.string());
    fc.assert(fc.property(candidate, (value) => {
      if (!isSafeReturnTo(value)) return true;
      const resolved = new URL(value, 'http://app.invalid');
      // No dot segment, even once percent-decoded: normalizing the path cannot change where it points.
      const segments = (value.split(/[?#]/)[0] as string).split('/').map((seg) => seg.replace(/%2e/gi, '.'));
      return resolved.origin === 'http://app.invalid' && !resolved.pathname.startsWith('//') && !value.startsWith('//')
        && segments.every((seg) => seg !== '.' && seg !== '..');
    }), { ...FUZZ, numRuns: FUZZ.numRuns * 10 });
  });
});

describe('fuzz: providerText', () => {
  it('no control character, no secret, at most the cap, whatever the text around the secret', () => {
    const secret = fc.string({ minLength: 8, maxLength: 40 }).filter((s) => /^[\x21-\x7e]+$/.test(s));
    fc.assert(fc.property(fc.fullUnicodeString({ maxLength: 300 }), secret, fc.fullUnicodeString({ maxLength: 300 }), (before, s, after) => {
      const text = providerText(`${before}${s}${after}`, [s]) as string;
      return !CONTROL.test(text) && !text.includes(s) && text.length <= PROVIDER_TEXT_MAX;
    }), FUZZ);
  });
});
