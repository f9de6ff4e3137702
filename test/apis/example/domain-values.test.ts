import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, fetchPage } from '../../../src/apis/example/pagination.js';
import {
  MESSAGE_CHANNELS,
  MESSAGE_STATUSES,
  type NewsFilter,
  type NewsRecord,
} from '../../../src/apis/example/ports.js';
import {
  domainTypes,
  domainValues,
  ISO_3166_1_ALPHA_2,
  isDomainTypeId,
  LABEL_LANGUAGES,
  SCOPE_LABELS,
} from '../../../src/apis/example/reference/domain-values.js';
import { ISO_639_1_CODES } from '../../../src/apis/example/reference/languages.js';
import { EXAMPLE_SCOPES } from '../../../src/apis/example/scopes.js';
import { demoNews } from '../../../src/demo/news.js';

const codes = (id: number, lang = 'en') => (domainValues(id, lang) ?? []).map((value) => value.code);
const nameOf = (id: number, code: string, lang: string) => domainValues(id, lang)?.find((v) => v.code === code)?.name;
const sorted = (list: readonly string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('domain types', () => {
  it('are ids 1..7 in order, with stable codes', () => {
    expect(domainTypes('en').map(({ id, code }) => [id, code])).toEqual([
      [1, 'languages'],
      [2, 'countries'],
      [3, 'currencies'],
      [4, 'message_channels'],
      [5, 'message_statuses'],
      [6, 'time_zones'],
      [7, 'scopes'],
    ]);
    expect([0, 1, 7, 8, 99].map(isDomainTypeId)).toEqual([false, true, true, false, false]);
    expect(domainValues(8, 'en')).toBeUndefined();
    expect(domainValues(0, 'en')).toBeUndefined();
  });

  it('are named in en, nl, de, fr and es, and in English otherwise', () => {
    expect(domainTypes('en')[1]?.name).toBe('Countries');
    expect(domainTypes('nl')[1]?.name).toBe('Landen');
    expect(domainTypes('de')[1]?.name).toBe('Länder');
    expect(domainTypes('fr')[2]?.name).toBe('Devises');
    expect(domainTypes('es')[5]?.name).toBe('Zonas horarias');
    expect(domainTypes('ja').map((t) => t.name)).toEqual(domainTypes('en').map((t) => t.name));
    for (const lang of LABEL_LANGUAGES) {
      expect(new Set(domainTypes(lang).map((t) => t.name)).size).toBe(7);
    }
  });
});

describe('domain values', () => {
  it('1: every ISO 639-1 code, named by ICU', () => {
    expect(codes(1)).toEqual(sorted(ISO_639_1_CODES));
    expect(nameOf(1, 'nl', 'en')).toBe('Dutch');
    expect(nameOf(1, 'nl', 'nl')).toBe('Nederlands');
    expect(nameOf(1, 'nl', 'de')).toBe('Niederländisch');
    expect(nameOf(1, 'de', 'fr')).toBe('allemand');
  });

  it('2: the 249 assigned ISO 3166-1 alpha-2 codes, named by ICU', () => {
    expect(ISO_3166_1_ALPHA_2).toHaveLength(249);
    expect(new Set(ISO_3166_1_ALPHA_2).size).toBe(249);
    expect(codes(2)).toEqual(sorted(ISO_3166_1_ALPHA_2));
    expect(codes(2)).not.toContain('XK');
    expect(nameOf(2, 'DE', 'en')).toBe('Germany');
    expect(nameOf(2, 'DE', 'nl')).toBe('Duitsland');
    expect(nameOf(2, 'NL', 'de')).toBe('Niederlande');
    // ICU knows every one of them: no code comes back as its own name.
    const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
    expect(ISO_3166_1_ALPHA_2.filter((code) => names.of(code) === undefined)).toEqual([]);
  });

  it('3: ISO 4217 currencies the runtime names', () => {
    const list = codes(3);
    expect(list.length).toBeGreaterThan(100);
    expect(list).toEqual(expect.arrayContaining(['EUR', 'USD', 'JPY', 'GBP']));
    expect(list.every((code) => /^[A-Z]{3}$/.test(code))).toBe(true);
    expect(nameOf(3, 'EUR', 'en')).toBe('Euro');
    expect(nameOf(3, 'USD', 'nl')).toBe('Amerikaanse dollar');
    expect(nameOf(3, 'USD', 'de')).toBe('US-Dollar');
  });

  it("4 and 5: Flexgate's channels and statuses, with its own labels", () => {
    expect(codes(4)).toEqual(sorted(MESSAGE_CHANNELS));
    expect(codes(5)).toEqual(sorted(MESSAGE_STATUSES));
    expect(nameOf(4, 'email', 'nl')).toBe('E-mail');
    expect(nameOf(4, 'email', 'de')).toBe('E-Mail');
    expect(nameOf(5, 'delivered', 'en')).toBe('Delivered');
    expect(nameOf(5, 'delivered', 'nl')).toBe('Afgeleverd');
    expect(nameOf(5, 'failed', 'de')).toBe('Fehlgeschlagen');
    expect(nameOf(5, 'queued', 'fr')).toBe('En file d’attente');
    expect(nameOf(5, 'sent', 'es')).toBe('Enviado');
  });

  it('6: IANA time zones with a localised generic name and the city', () => {
    const list = codes(6);
    expect(list).toEqual(sorted(Intl.supportedValuesOf('timeZone')));
    expect(list.length).toBeGreaterThan(300);
    expect(nameOf(6, 'Europe/Amsterdam', 'en')).toBe('Central European Time (Amsterdam)');
    expect(nameOf(6, 'Europe/Amsterdam', 'nl')).toBe('Midden-Europese tijd (Amsterdam)');
    expect(nameOf(6, 'America/New_York', 'en')).toBe('Eastern Time (New York)');
  });

  it('7: every scope of the catalogue, described in all five label languages', () => {
    expect(codes(7)).toEqual(sorted(EXAMPLE_SCOPES.map((scope) => scope.name)));
    for (const scope of EXAMPLE_SCOPES) {
      const labels = SCOPE_LABELS[scope.name];
      expect(labels?.en, scope.name).toBe(scope.description);
      for (const lang of LABEL_LANGUAGES) expect(labels?.[lang], `${scope.name} ${lang}`).toBeTruthy();
    }
    expect(nameOf(7, 'read:news', 'nl')).toBe('Je nieuws lezen');
    expect(nameOf(7, 'read:news', 'de')).toBe('Ihre Neuigkeiten lesen');
  });

  it("falls back to English for Flexgate's labels and for languages ICU lacks", () => {
    // Japanese: ICU names countries, Flexgate has no labels.
    expect(nameOf(2, 'DE', 'ja')).toBe('ドイツ');
    expect(nameOf(5, 'delivered', 'ja')).toBe('Delivered');
    expect(nameOf(7, 'read:news', 'ja')).toBe('Read your news');
    // Volapük (vo): a valid ISO 639-1 code without ICU locale data, so English rather than the machine's locale.
    expect(Intl.DisplayNames.supportedLocalesOf(['vo'])).toEqual([]);
    expect(domainValues(2, 'vo')).toEqual(domainValues(2, 'en'));
    expect(domainValues(1, 'vo')).toEqual(domainValues(1, 'en'));
  });

  it('sorts every list by code, the same in every language, and never names a value with an empty string', () => {
    for (const { id } of domainTypes('en')) {
      const en = codes(id, 'en');
      expect(en, `type ${id}`).toEqual(sorted(en));
      expect(new Set(en).size, `type ${id}`).toBe(en.length);
      expect(codes(id, 'nl'), `type ${id}`).toEqual(en);
      expect(codes(id, 'de'), `type ${id}`).toEqual(en);
      for (const value of domainValues(id, 'nl') ?? []) expect(value.name.length, value.code).toBeGreaterThan(0);
    }
  });

  it('is cached per language: the same (frozen) list on a second call', () => {
    const first = domainValues(6, 'fr');
    expect(domainValues(6, 'fr')).toBe(first);
    expect(domainValues(6, 'es')).not.toBe(first);
    expect(domainTypes('fr')).toBe(domainTypes('fr'));
    expect(Object.isFrozen(first)).toBe(true);
  });
});

describe('news', () => {
  const now = Date.UTC(2026, 10, 30, 12);

  /** A repository over an array, ordered like the storage one: (publishedAt desc, id desc). */
  const memoryNews = (rows: NewsRecord[]) => ({
    news: {
      async insert(item: NewsRecord) {
        rows.push(item);
      },
      async list(filter: NewsFilter, page: { limit: number; after?: { at: number; id: string } | undefined }) {
        const after = page.after;
        return rows
          .filter((r) => r.environment === filter.environment && r.customerId === filter.customerId)
          .filter((r) => filter.lang === undefined || r.lang === filter.lang)
          .filter((r) => filter.since === undefined || r.publishedAt >= filter.since)
          .sort((a, b) => b.publishedAt - a.publishedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
          .filter(
            (r) => after === undefined || r.publishedAt < after.at || (r.publishedAt === after.at && r.id < after.id),
          )
          .slice(0, page.limit);
      },
    },
  });

  it('pages through the news newest first until the last page', async () => {
    const repos = memoryNews(demoNews('live', 'owner-1', now));
    const filter: NewsFilter = { environment: 'live', customerId: null };
    const seen: NewsRecord[] = [];
    const position = (item: NewsRecord) => ({ at: item.publishedAt, id: item.id });
    let cursor: string | undefined;
    let pages = 0;
    do {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const page = await fetchPage((range) => repos.news.list(filter, range), 5, after, position);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(13);
    expect(new Set(seen.map((n) => n.id)).size).toBe(13);
    const times = seen.map((n) => n.publishedAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('refuses a cursor it did not make', async () => {
    const repos = memoryNews([]);
    const filter: NewsFilter = { environment: 'live', customerId: null };
    expect(decodeCursor('not a cursor')).toBeUndefined();
    const after = decodeCursor(encodeCursor({ at: now, id: 'nw_x' }));
    const position = (item: NewsRecord) => ({ at: item.publishedAt, id: item.id });
    await expect(fetchPage((range) => repos.news.list(filter, range), 5, after, position)).resolves.toEqual({
      items: [],
      nextCursor: undefined,
    });
  });

  it('demo news: public items in en, nl and de, three for the customer, unique ids per environment', () => {
    const live = demoNews('live', 'client:abc', now);
    const sandbox = demoNews('sandbox', 'client:abc', now);
    const other = demoNews('live', 'someone-else', now);
    expect(new Set(live.filter((n) => n.customerId === null).map((n) => n.lang))).toEqual(new Set(['en', 'nl', 'de']));
    expect(live.filter((n) => n.customerId === 'client:abc')).toHaveLength(3);
    const ids = [...live, ...sandbox, ...other.filter((n) => n.customerId !== null)].map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^nw_[A-Za-z0-9_-]{1,64}$/.test(id))).toBe(true);
    expect(live.every((n) => n.publishedAt < now && n.environment === 'live')).toBe(true);
  });
});
