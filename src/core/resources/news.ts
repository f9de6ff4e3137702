/**
 * News: public items for every client of an environment, and items addressed to one customer (an owner).
 * Read-only through the API (the operator or the demo seeds insert them). Newest first, keyset-paginated.
 */
import { decodeCursor, type Page, toPage } from './pagination.js';
import type { NewsFilter, NewsRecord, ResourceRepositories } from './ports.js';

/** A `cursor` that Flexgate did not make (or that was tampered with); the API answers 400 for field `cursor`. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('Value is not a cursor of this list.');
  }
}

/**
 * One page of news matching `filter`, newest first: at most `limit` items after `cursor` (the previous page's
 * `nextCursor`), and the cursor of the next page if there is one.
 */
export async function listNews(
  repos: Pick<ResourceRepositories, 'news'>,
  filter: NewsFilter,
  limit: number,
  cursor: string | undefined,
): Promise<Page<NewsRecord>> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  if (cursor !== undefined && after === undefined) throw new InvalidCursorError();
  const rows = await repos.news.list(filter, { limit: limit + 1, after });
  return toPage(rows, limit, (item) => ({ at: item.publishedAt, id: item.id }));
}
