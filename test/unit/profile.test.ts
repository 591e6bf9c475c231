import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseProfile } from '../../src/provider/profile';

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8');

describe('parseProfile', () => {
  it('maps Roblox userinfo with the profile scope', () => {
    const raw = fixture('userinfo-profile.json');
    const profile = parseProfile(JSON.parse(raw), raw);
    expect(profile).toMatchObject({
      provider: 'roblox',
      id: '1516563360',
      username: 'exampleuser',
      displayName: 'exampleuser',
      profileUrl: 'https://www.roblox.com/users/1516563360/profile',
      photos: [{ value: 'https://tr.rbxcdn.com/03dc2a9abe7b1aacaaf93ea46d5c0646/150/150/AvatarHeadshot/Png' }],
    });
    expect(profile.createdAt?.toISOString()).toBe('2020-03-20T05:34:55.000Z');
    expect(profile._raw).toBe(raw);
    expect(profile._json.sub).toBe('1516563360');
    expect(profile).not.toHaveProperty('emails');
  });

  it('gives empty photos when picture is null, and keeps the display name apart from the username', () => {
    const profile = parseProfile(JSON.parse(fixture('userinfo-null-picture.json')));
    expect(profile.photos).toEqual([]);
    expect(profile.displayName).toBe('Jane Doe');
    expect(profile.username).toBe('robloxjanedoe');
  });

  it('falls back to the sub as display name without the profile scope', () => {
    const profile = parseProfile(JSON.parse(fixture('userinfo-no-profile.json')));
    expect(profile).toMatchObject({ id: '1516563360', displayName: '1516563360', photos: [] });
    expect(profile.username).toBeUndefined();
    expect(profile.createdAt).toBeUndefined();
    expect(profile.profileUrl).toBeUndefined();
  });

  it('rejects claims without a sub', () => {
    expect(() => parseProfile({ name: 'x' })).toThrow(TypeError);
    expect(() => parseProfile(null)).toThrow(TypeError);
    expect(() => parseProfile({ sub: 42 })).toThrow(TypeError);
  });

  // Rule: every provider value is checked before it is exposed; what fails stays in _json only.
  it.each([
    'javascript:alert(document.domain)', 'JaVaScRiPt:alert(1)', 'data:text/html,<script>alert(1)</script>',
    'vbscript:x', '//evil.example/x', '/users/1/profile', 'http://evil.example/plain-http', 'https://user:pw@evil.example/',
    `https://www.roblox.com/${'a'.repeat(2048)}`, 'not a url', 42, { href: 'https://x.example' },
  ])('drops the unsafe URL %p from profileUrl and photos, keeping it in _json', (url) => {
    const profile = parseProfile({ sub: '1', profile: url, picture: url });
    expect(profile.profileUrl).toBeUndefined();
    expect(profile.photos).toEqual([]);
    expect(profile._json.profile).toBe(url);
  });

  it('keeps https URLs, and http only on loopback hosts (the emulator)', () => {
    expect(parseProfile({ sub: '1', profile: 'https://www.roblox.com/users/1/profile' }).profileUrl).toBe('https://www.roblox.com/users/1/profile');
    expect(parseProfile({ sub: '1', picture: 'http://127.0.0.1:4000/avatar/1.png' }).photos).toEqual([{ value: 'http://127.0.0.1:4000/avatar/1.png' }]);
    expect(parseProfile({ sub: '1', picture: 'http://localhost:4000/a.png' }).photos).toHaveLength(1);
  });

  it.each([
    [8.64e15, 'far future (crashed the demo: Invalid time value)'],
    [Date.now() / 1000 + 7 * 86_400, 'next week'],
    [-1, 'before 1970'],
    [1_000_000_000 - 10 * 365 * 86_400, 'before Roblox existed (1991)'],
    [Number.MAX_VALUE, 'the largest double'],
    ['1e12', 'exponent notation in a string'],
    [true, 'a boolean'],
  ] as [unknown, string][])('drops created_at %p (%s)', (createdAt) => {
    const profile = parseProfile({ sub: '1', created_at: createdAt });
    expect(profile.createdAt).toBeUndefined();
    expect(profile._json.created_at).toBe(createdAt);
  });

  it('keeps a plausible created_at, as a number or as digits', () => {
    expect(parseProfile({ sub: '1', created_at: 1584682495 }).createdAt?.toISOString()).toBe('2020-03-20T05:34:55.000Z');
    expect(parseProfile({ sub: '1', created_at: '1584682495' }).createdAt?.toISOString()).toBe('2020-03-20T05:34:55.000Z');
  });

  it('drops names with control characters or absurd length, falling back to a clean one', () => {
    const profile = parseProfile({ sub: '7', name: 'Eve\r\n[info] admin signed in', nickname: 'x'.repeat(257), preferred_username: 'eve_1' });
    expect(profile.displayName).toBe('eve_1');
    expect(profile.username).toBe('eve_1');
    expect(parseProfile({ sub: '7', preferred_username: 'bad\u0000name' })).toMatchObject({ displayName: '7' });
    expect(parseProfile({ sub: '7', preferred_username: 'bad\u0000name' }).username).toBeUndefined();
  });
});
