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
});
