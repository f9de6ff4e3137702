import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { type AnyApiRoute, defineRoute } from '../../route.js';
import { isoTime, pageBody } from '../links.js';
import { fetchPage } from '../pagination.js';
import type { ExampleRepositories, NewsFilter, NewsRecord } from '../ports.js';
import { dateTime, languageCode, listOf, pageQuery } from '../schemas.js';

/**
 * News: public items of the token's environment (GET /news) and the items addressed to one customer
 * (GET /customers/{id}/news, only the token's own owner). Newest first, keyset-paginated with `next` links.
 */

const TAG = 'News';

const newsQuery = z.strictObject({
  lang: languageCode.optional().meta({ description: 'Only news in this ISO 639-1 language' }),
  since: dateTime.optional().meta({ description: 'Only news published at or after this RFC 3339 instant' }),
  ...pageQuery,
});

type NewsQuery = z.output<typeof newsQuery>;

const newsItem = z
  .object({
    id: z.string().meta({ example: 'nw_live_p01' }),
    title: z.string(),
    body: z.string(),
    lang: z.string().meta({ description: 'ISO 639-1', example: 'en' }),
    published_at: z.iso.datetime().meta({ example: '2026-11-30T12:00:00.000Z' }),
    customer_id: z.string().nullable().meta({ description: 'The customer it is addressed to; null for public news' }),
  })
  .meta({ id: 'NewsItem' });

const newsList = listOf(newsItem);

const toJson = (item: NewsRecord): z.input<typeof newsItem> => ({
  id: item.id,
  title: item.title,
  body: item.body,
  lang: item.lang,
  published_at: isoTime(item.publishedAt),
  customer_id: item.customerId,
});

/** One page of the news matching `filter`, newest first. */
async function newsPage(
  repos: Pick<ExampleRepositories, 'news'>,
  url: string,
  filter: NewsFilter,
  query: NewsQuery,
): Promise<z.input<typeof newsList>> {
  const position = (item: NewsRecord) => ({ at: item.publishedAt, id: item.id });
  const page = await fetchPage((range) => repos.news.list(filter, range), query.limit, query.cursor, position);
  return pageBody(url, page, toJson);
}

const since = (query: NewsQuery): number | undefined =>
  query.since === undefined ? undefined : Date.parse(query.since);

export const newsRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/news',
    operationId: 'listNews',
    summary: 'List public news',
    description:
      "Public news of the token's environment (sandbox tokens see sandbox news), newest first. Follow `next` " +
      'for the next page; it keeps the other query parameters.',
    tag: TAG,
    scopes: [],
    query: newsQuery,
    success: { status: 200, description: 'A page of news, newest first', schema: newsList },
    async handler({ query, owner, repos, url }) {
      const filter: NewsFilter = {
        environment: owner.environment,
        customerId: null,
        lang: query.lang,
        since: since(query),
      };
      return { status: 200, body: await newsPage(repos, url, filter, query) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/customers/{id}/news',
    operationId: 'listCustomerNews',
    summary: "List a customer's news",
    description:
      'News addressed to one customer, newest first. A token may read only the news of its own customer (the ' +
      "user it was issued for, or the owner of the client's application); any other id answers 404.",
    tag: TAG,
    scopes: ['read:news'],
    params: z.strictObject({
      id: z
        .string()
        .min(1)
        .max(200, { error: 'Value is too long.' })
        .meta({ description: 'The customer (owner) id', example: 'Q2hhbmdlTWU' }),
    }),
    query: newsQuery,
    success: { status: 200, description: "A page of the customer's news, newest first", schema: newsList },
    async handler({ params, query, owner, repos, url }) {
      // The same answer as for an id that does not exist, so that ids cannot be probed.
      if (params.id !== owner.ownerId) throw new ApiError(404, 'not_found', `Customer ${params.id} not found`);
      const filter: NewsFilter = {
        environment: owner.environment,
        customerId: owner.ownerId,
        lang: query.lang,
        since: since(query),
      };
      return { status: 200, body: await newsPage(repos, url, filter, query) };
    },
  }),
];
