import { inventoryFilterText, membershipFilterText, rateLimitOf, retryAfterMs } from '../../src/open-cloud';
import { providerText } from '../../src/open-cloud/provider-text';
import { RobloxInvalidArgumentError } from '../../src/errors';

describe('Open Cloud header and text parsing', () => {
  it('reads x-ratelimit-* and ignores unusable values', () => {
    expect(rateLimitOf({ 'x-ratelimit-limit': '10, 10;w=60', 'x-ratelimit-remaining': '9', 'x-ratelimit-reset': '20' }, 1000)).toEqual({
      limit: '10, 10;w=60', remaining: 9, resetSeconds: 20, resetAt: 21_000,
    });
    expect(rateLimitOf({})).toBeUndefined();
    expect(rateLimitOf({ 'x-ratelimit-remaining': '-1', 'x-ratelimit-reset': 'soon', 'x-ratelimit-limit': 'a\u0000b' })).toBeUndefined();
  });

  it('reads retry-after as seconds or an HTTP date', () => {
    expect(retryAfterMs({ 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs({ 'retry-after': new Date(61_000).toUTCString() }, 1000)).toBe(60_000);
    expect(retryAfterMs({ 'retry-after': 'later' })).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
  });

  it('keeps provider text capped, single-line and without tokens', () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.short';
    const text = providerText(`bad ${token} and ${'A'.repeat(40)}\r\nnext\u2028line ${'x '.repeat(300)}`, [token]) as string;
    expect(text).not.toContain(token);
    expect(text).not.toContain('A'.repeat(40));
    expect(text).not.toMatch(/[\r\n\u2028]/);
    expect(text.length).toBeLessThanOrEqual(201);
    expect(providerText(42)).toBeUndefined();
  });

  it('builds Roblox\'s filters and refuses what Roblox refuses', () => {
    expect(inventoryFilterText({ badges: true, inventoryItemAssetTypes: ['HAT', 'FACE'] })).toBe('badges=true;inventoryItemAssetTypes=HAT,FACE');
    expect(inventoryFilterText({ assetIds: ['1', '2'], badgeIds: ['3'] })).toBe('assetIds=1,2;badgeIds=3');
    expect(inventoryFilterText({})).toBeUndefined();
    expect(() => inventoryFilterText({ assetIds: ["1';x"] })).toThrow(RobloxInvalidArgumentError);
    expect(() => inventoryFilterText({ inventoryItemAssetTypes: ['HAT;badges=true'] })).toThrow(RobloxInvalidArgumentError);
    expect(membershipFilterText('7', { user: ['1', '2'] })).toBe("user in ['users/1', 'users/2']");
    expect(membershipFilterText('7', { role: '9' })).toBe("role == 'groups/7/roles/9'");
    expect(() => membershipFilterText('7', { user: "1' || true" })).toThrow(RobloxInvalidArgumentError);
    expect(() => membershipFilterText('7', { user: Array.from({ length: 51 }, (_, i) => String(i)) })).toThrow(RobloxInvalidArgumentError);
  });
});
