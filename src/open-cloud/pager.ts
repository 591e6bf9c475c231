import { RobloxResponseError } from '../errors';
import type { OpenCloudPage } from './types';

/**
 * A list that fetches its pages lazily: iterate it for items (`for await (const m of pager)`), `pages()` for
 * whole pages, or `page(token)` for one. It ends on an empty `nextPageToken`, and also on an empty page (Roblox
 * may hand out a token that leads to `{ items: [], nextPageToken: '' }`). A token seen twice is refused.
 *
 * @example
 * ```ts
 * for await (const item of cloud.users.inventory(userId, { badges: true })) console.log(item.path);
 * const first = await cloud.groups.memberships(groupId).page();
 * ```
 */
export class OpenCloudPager<T> implements AsyncIterable<T> {
  constructor(private readonly fetchPage: (pageToken: string | undefined) => Promise<OpenCloudPage<T>>) {}

  /** One page; pass the previous page's `nextPageToken` for the next. */
  page(pageToken?: string): Promise<OpenCloudPage<T>> {
    return this.fetchPage(pageToken);
  }

  /** Every page, in order. */
  async *pages(): AsyncGenerator<OpenCloudPage<T>, void, undefined> {
    const seen = new Set<string>();
    let token: string | undefined;
    for (;;) {
      const current = await this.fetchPage(token);
      if (current.items.length > 0 || token === undefined) yield current;
      if (current.nextPageToken === '' || current.items.length === 0) return;
      if (seen.has(current.nextPageToken)) throw new RobloxResponseError('Roblox answered a page token it had already given: paging stopped', 200);
      seen.add(current.nextPageToken);
      token = current.nextPageToken;
    }
  }

  /** Yields every item of every page, fetching the next page only when the previous one is used up. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const p of this.pages()) yield* p.items;
  }

  /** Every item, collected (for small lists). */
  async all(): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) out.push(item);
    return out;
  }
}
