import { createHash } from 'node:crypto';
import { v2 } from './problem';
import type { Params } from '../http-io';

/** Roblox's page sizes: a default, and a maximum larger values are clamped to (not refused). */
export interface PageRule {
  defaultSize: number;
  maxSize: number;
}

/**
 * One page of `items`, as Roblox pages: `maxPageSize` (0 or absent: the default; above the maximum: clamped;
 * negative or not a number: 400), `pageToken` from the previous page, every other parameter unchanged (else 400).
 * With `emptyLastPage` (inventory), a full page always carries a token, so a list whose size is a multiple of
 * the page size ends with `{ items: [], nextPageToken: '' }`, Roblox's documented quirk.
 */
export function paginate<T>(items: readonly T[], query: Params, scope: string, rule: PageRule, emptyLastPage = false): { page: T[]; nextPageToken: string } {
  const rawSize = query.get('maxPageSize');
  let size = rule.defaultSize;
  if (rawSize !== undefined && rawSize !== '') {
    if (!/^-?\d{1,10}$/.test(rawSize) || Number(rawSize) < 0) throw v2('INVALID_ARGUMENT', 'Invalid max page size.');
    const n = Number(rawSize);
    size = n === 0 ? rule.defaultSize : Math.min(n, rule.maxSize);
  }
  const fingerprint = createHash('sha256').update(scope).update('\n').update(query.get('filter') ?? '').update('\n').update(String(size)).digest('base64url').slice(0, 16);
  let offset = 0;
  const token = query.get('pageToken');
  if (token !== undefined && token !== '') {
    const m = /^([A-Za-z0-9_-]{16})\.(\d{1,9})$/.exec(token);
    if (!m) throw v2('INVALID_ARGUMENT', 'Invalid page token.');
    if (m[1] !== fingerprint) throw v2('INVALID_ARGUMENT', 'The request parameters differ from those of the page token.');
    offset = Number(m[2]);
  }
  const page = items.slice(offset, offset + size);
  const end = offset + page.length;
  const more = emptyLastPage ? page.length === size && size > 0 : end < items.length;
  return { page, nextPageToken: more ? `${fingerprint}.${end}` : '' };
}
