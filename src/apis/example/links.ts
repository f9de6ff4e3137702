import type { Page } from './pagination.js';

/**
 * The `next` link of a list: this request's path and query with `cursor` replaced, or null on the last page.
 * Path-absolute, so it works behind any host name.
 */
export function nextPageLink(requestUrl: string, cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const url = new URL(requestUrl, 'http://flexgate.invalid');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}

export const isoTime = (epochMs: number) => new Date(epochMs).toISOString();

/** The body of a list response: the page's items as JSON, and the link to the next page. */
export const pageBody = <T, J>(requestUrl: string, page: Page<T>, toJson: (item: T) => J) => ({
  data: page.items.map(toJson),
  next: nextPageLink(requestUrl, page.nextCursor),
});
