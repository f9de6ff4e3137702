import type { FastifyRequest } from 'fastify';

/**
 * The `next` link of a list: this request's path and query with `cursor` replaced, or null on the last page.
 * Path-absolute, so it works behind any host name.
 */
export function nextPageLink(request: FastifyRequest, cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const url = new URL(request.url, 'http://flexgate.invalid');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}${url.search}`;
}

export const isoTime = (epochMs: number) => new Date(epochMs).toISOString();
