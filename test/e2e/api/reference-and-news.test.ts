import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewsRecord } from '../../../src/apis/example/ports.js';
import type { Environment } from '../../../src/oauth/ports.js';
import { tokenRequest } from '../../helpers/oauth-client.js';
import { startTestServer, type TestServer, testDialects } from '../../helpers/server.js';

const API = '/api/v0.0.1';
const HOUR = 3_600_000;

interface ApiResponse {
  status: number;
  body: unknown;
}

interface NewsItem {
  id: string;
  title: string;
  body: string;
  lang: string;
  published_at: string;
  customer_id: string | null;
}

interface NewsPage {
  data: NewsItem[];
  next: string | null;
}

describe.each(testDialects())('reference data and news (%s)', (dialect) => {
  let server: TestServer;
  /** Live client with read:news; its data owner is `client:<id>` (a CLI client has no application). */
  let live: { token: string; ownerId: string };
  let liveNoNews: string;
  let sandbox: { token: string; ownerId: string };
  const now = Date.UTC(2026, 10, 30, 12);

  async function clientToken(environment: Environment, scopes: string[]): Promise<{ token: string; ownerId: string }> {
    const { clientId, clientSecret } = await server.createClient({
      name: `news ${environment}`,
      grantTypes: ['client_credentials'],
      scopes,
      environment,
    });
    const response = await tokenRequest(server.baseUrl, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret ?? '',
      scope: scopes.join(' '),
    });
    if (response.body.access_token === undefined) throw new Error(`no token: ${JSON.stringify(response.body)}`);
    return { token: response.body.access_token, ownerId: `client:${clientId}` };
  }

  const news = (id: string, overrides: Partial<NewsRecord>): NewsRecord => ({
    id,
    environment: 'live',
    customerId: null,
    lang: 'en',
    title: `Title ${id}`,
    body: `Body ${id}`,
    publishedAt: now,
    ...overrides,
  });

  beforeAll(async () => {
    server = await startTestServer({ dialect, startAt: now });
    live = await clientToken('live', ['read:news', 'read:contacts']);
    liveNoNews = (await clientToken('live', ['read:contacts'])).token;
    sandbox = await clientToken('sandbox', ['read:news']);
    // 25 public live items, one hour apart (and three sharing one instant, to exercise the id tie-break).
    for (let i = 0; i < 25; i++) {
      const at = i < 3 ? now - HOUR : now - (i + 1) * HOUR;
      await server.ctx.storage.news.insert(
        news(`nw_pub${String(i).padStart(2, '0')}`, { lang: i % 3 === 0 ? 'nl' : 'en', publishedAt: at }),
      );
    }
    await server.ctx.storage.news.insert(news('nw_sandbox1', { environment: 'sandbox', title: 'Sandbox only' }));
    await server.ctx.storage.news.insert(news('nw_cust1', { customerId: live.ownerId, publishedAt: now - 2 * HOUR }));
    await server.ctx.storage.news.insert(news('nw_cust2', { customerId: live.ownerId, publishedAt: now - 30 * HOUR }));
    await server.ctx.storage.news.insert(news('nw_other', { customerId: sandbox.ownerId, environment: 'live' }));
  });
  afterAll(() => server?.close());

  async function get(path: string, token = live.token): Promise<ApiResponse> {
    const response = await fetch(`${server.baseUrl}${path.startsWith(API) ? path : `${API}${path}`}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  /** Follows `next` links to the end; returns every item and the number of pages. */
  async function allPages(path: string, token = live.token): Promise<{ items: NewsItem[]; pages: number }> {
    const items: NewsItem[] = [];
    let next: string | null = path;
    let pages = 0;
    while (next !== null) {
      const response = await get(next, token);
      expect(response.status, next).toBe(200);
      const page = response.body as NewsPage;
      items.push(...page.data);
      next = page.next;
      pages += 1;
      if (pages > 50) throw new Error('next links do not end');
    }
    return { items, pages };
  }

  describe('reference data', () => {
    it('answers the seed request: GET domainTypes/7/domainValues?lang=nl', async () => {
      const response = await get('/domainTypes/7/domainValues?lang=nl');
      expect(response.status).toBe(200);
      const body = response.body as { data: { code: string; name: string }[]; next: null };
      expect(body.next).toBeNull();
      expect(body.data).toContainEqual({ code: 'read:news', name: 'Je nieuws lezen' });
    });

    it('lists the domain types, localised, English by default', async () => {
      const en = await get('/domainTypes');
      expect(en.status).toBe(200);
      expect((en.body as { data: unknown[] }).data).toHaveLength(7);
      expect((en.body as { data: unknown[] }).data[1]).toEqual({ id: 2, code: 'countries', name: 'Countries' });
      const de = await get('/domainTypes?lang=de');
      expect((de.body as { data: unknown[] }).data[1]).toEqual({ id: 2, code: 'countries', name: 'Länder' });
    });

    it('names countries in the requested language', async () => {
      const response = await get('/domainTypes/2/domainValues?lang=nl');
      expect(response.status).toBe(200);
      expect((response.body as { data: unknown[] }).data).toContainEqual({ code: 'DE', name: 'Duitsland' });
      expect((response.body as { data: unknown[] }).data).toHaveLength(249);
    });

    it('answers the seed validation sample exactly, with the field names as sent', async () => {
      const response = await get('/domainTypes/-1/domainValues?lang=xx');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        id: ['Value -1 is invalid.'],
        lang: ['Should be valid ISO 639-1 language code.'],
      });
    });

    it('answers 404 for a domain type that does not exist', async () => {
      const response = await get('/domainTypes/99/domainValues');
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'not_found', error_description: 'Domain type 99 does not exist' });
    });

    it('refuses an unknown query parameter by name', async () => {
      const response = await get('/domainTypes/1/domainValues?lang=en&langauge=nl');
      expect(response.status).toBe(400);
      expect(Object.keys(response.body as object)).toEqual(['langauge']);
    });

    it('needs a valid token', async () => {
      expect((await get('/domainTypes', 'not-a-token')).status).toBe(401);
    });
  });

  describe('news', () => {
    it('pages through public news by following next until null: newest first, no duplicates', async () => {
      const { items, pages } = await allPages('/news?limit=7');
      expect(pages).toBe(4);
      expect(items).toHaveLength(25);
      expect(new Set(items.map((item) => item.id)).size).toBe(25);
      const keys = items.map((item) => [Date.parse(item.published_at), item.id] as const);
      const ordered = [...keys].sort(([a, x], [b, y]) => b - a || (x < y ? 1 : x > y ? -1 : 0));
      expect(keys).toEqual(ordered);
      expect(items.every((item) => item.customer_id === null)).toBe(true);
      expect(items[0]).toEqual({
        id: 'nw_pub02',
        title: 'Title nw_pub02',
        body: 'Body nw_pub02',
        lang: 'en',
        published_at: new Date(now - HOUR).toISOString(),
        customer_id: null,
      });
    });

    it('keeps the other query parameters in next links', async () => {
      const first = await get('/news?lang=en&limit=5');
      const page = first.body as NewsPage;
      expect(page.next).toMatch(/^\/api\/v0\.0\.1\/news\?lang=en&limit=5&cursor=[A-Za-z0-9_-]+$/);
      const { items } = await allPages('/news?lang=en&limit=5');
      expect(items.length).toBeGreaterThan(5);
      expect(items.every((item) => item.lang === 'en')).toBe(true);
    });

    it('filters by lang and since', async () => {
      const nl = await allPages('/news?lang=nl');
      // i % 3 === 0 is Dutch; those are already in newest-first order.
      expect(nl.items.map((item) => item.id)).toEqual(
        ['00', '03', '06', '09', '12', '15', '18', '21', '24'].map((n) => `nw_pub${n}`),
      );
      const since = new Date(now - 5 * HOUR).toISOString();
      const recent = await allPages(`/news?since=${encodeURIComponent(since)}`);
      // 3 at now-1h, then now-4h and now-5h (inclusive).
      expect(recent.items.map((item) => item.id)).toEqual(['nw_pub02', 'nw_pub01', 'nw_pub00', 'nw_pub03', 'nw_pub04']);
      const bad = await get('/news?since=yesterday');
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.body as object)).toEqual(['since']);
    });

    it('refuses a limit out of range, a forged cursor and an unknown parameter', async () => {
      const response = await get('/news?limit=0&cursor=forged!&page=2');
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        limit: ['Value 0 is invalid: use 1 to 100.'],
        cursor: ['Value is not a cursor of this list.'],
        page: ['Is not a known query parameter.'],
      });
    });

    it('shows a sandbox token only sandbox news, and a live token no sandbox news', async () => {
      const sandboxNews = await allPages('/news', sandbox.token);
      expect(sandboxNews.items.map((item) => item.id)).toEqual(['nw_sandbox1']);
      const liveNews = await allPages('/news?limit=100');
      expect(liveNews.items.map((item) => item.id)).not.toContain('nw_sandbox1');
    });

    it("lets a customer read its own news, and answers 404 for anybody else's", async () => {
      const own = await allPages(`/customers/${encodeURIComponent(live.ownerId)}/news?limit=1`);
      expect(own.pages).toBe(2);
      expect(own.items.map((item) => [item.id, item.customer_id])).toEqual([
        ['nw_cust1', live.ownerId],
        ['nw_cust2', live.ownerId],
      ]);
      const other = await get(`/customers/${encodeURIComponent(sandbox.ownerId)}/news`);
      expect(other.status).toBe(404);
      expect(other.body).toEqual({ error: 'not_found', error_description: `Customer ${sandbox.ownerId} not found` });
      expect((await get('/customers/nobody/news')).status).toBe(404);
      // The sandbox customer has no news in its own (sandbox) environment: live rows stay live.
      const sandboxOwn = await get(`/customers/${encodeURIComponent(sandbox.ownerId)}/news`, sandbox.token);
      expect(sandboxOwn).toEqual({ status: 200, body: { data: [], next: null } });
    });

    it('needs read:news for customer news (public news needs any token)', async () => {
      const response = await get(`/customers/${encodeURIComponent(live.ownerId)}/news`, liveNoNews);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: 'insufficient_scope' });
      expect((await get('/news', liveNoNews)).status).toBe(200);
    });
  });
});
