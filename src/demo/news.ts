/**
 * News for the demo: public items in English, Dutch and a few in German, published over the past weeks,
 * and a few items addressed to the demo customer. Ids are deterministic per environment and customer (a
 * re-seed collides on the primary key instead of duplicating) and unique across both.
 */
import { createHash } from 'node:crypto';
import type { NewsRecord } from '../apis/example/ports.js';
import type { Environment } from '../oauth/ports.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

interface DemoItem {
  lang: string;
  title: string;
  body: string;
  /** How long before `now` it was published. */
  ago: number;
}

const PUBLIC_ITEMS: readonly DemoItem[] = [
  {
    lang: 'en',
    title: 'WhatsApp messages now generally available',
    body: 'The whatsapp channel is out of beta: send messages with channel "whatsapp" to any contact with a phone number.',
    ago: 2 * HOUR,
  },
  {
    lang: 'nl',
    title: 'WhatsApp-berichten nu voor iedereen beschikbaar',
    body: 'Het kanaal whatsapp is uit de bèta: verstuur berichten met channel "whatsapp" naar elk contact met een telefoonnummer.',
    ago: 2 * HOUR + 5 * 60 * 1000,
  },
  {
    lang: 'de',
    title: 'WhatsApp-Nachrichten jetzt allgemein verfügbar',
    body: 'Der Kanal whatsapp ist nicht mehr in der Beta: Senden Sie Nachrichten mit channel "whatsapp" an jeden Kontakt mit Telefonnummer.',
    ago: 2 * HOUR + 10 * 60 * 1000,
  },
  {
    lang: 'en',
    title: 'Scheduled maintenance on Sunday 02:00–03:00 UTC',
    body: 'The API stays available; message delivery may be delayed by a few minutes during the maintenance window.',
    ago: 1 * DAY + 3 * HOUR,
  },
  {
    lang: 'nl',
    title: 'Gepland onderhoud zondag 03:00–04:00 uur',
    body: 'De API blijft bereikbaar; het afleveren van berichten kan tijdens het onderhoud enkele minuten vertraagd zijn.',
    ago: 1 * DAY + 4 * HOUR,
  },
  {
    lang: 'en',
    title: 'New reference list: access scopes',
    body: 'GET /domainTypes/7/domainValues lists every scope a client may request, with a description in five languages.',
    ago: 4 * DAY,
  },
  {
    lang: 'nl',
    title: 'Nieuwe referentielijst: toegangsrechten',
    body: 'GET /domainTypes/7/domainValues geeft alle scopes die een client kan aanvragen, met een omschrijving in vijf talen.',
    ago: 4 * DAY + 1 * HOUR,
  },
  {
    lang: 'en',
    title: 'Rate-limit headers on every response',
    body: 'Every API response now carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, so clients can pace themselves.',
    ago: 9 * DAY,
  },
  {
    lang: 'de',
    title: 'Rate-Limit-Header in jeder Antwort',
    body: 'Jede API-Antwort enthält jetzt RateLimit-Limit, RateLimit-Remaining und RateLimit-Reset.',
    ago: 9 * DAY + 2 * HOUR,
  },
  {
    lang: 'en',
    title: 'Idempotency keys for creates',
    body: 'Send an Idempotency-Key header when creating contacts or messages: a retry returns the first result instead of a duplicate.',
    ago: 16 * DAY,
  },
  {
    lang: 'nl',
    title: 'Idempotency-sleutels bij aanmaken',
    body: 'Stuur een Idempotency-Key-header mee bij het aanmaken van contacten of berichten: een herhaling geeft het eerste resultaat terug.',
    ago: 16 * DAY + 30 * 60 * 1000,
  },
  {
    lang: 'en',
    title: 'Welcome to the Flexgate API',
    body: 'Register an application in the developer portal, request a sandbox token and try the API in minutes.',
    ago: 30 * DAY,
  },
  {
    lang: 'nl',
    title: 'Welkom bij de Flexgate API',
    body: 'Registreer een applicatie in het ontwikkelaarsportaal, vraag een sandbox-token aan en probeer de API binnen enkele minuten.',
    ago: 30 * DAY + 1 * HOUR,
  },
];

const CUSTOMER_ITEMS: readonly DemoItem[] = [
  {
    lang: 'en',
    title: 'Your monthly message summary is ready',
    body: 'Last month you sent 1,284 messages: 97.6 % were delivered. See GET /messages for the details.',
    ago: 6 * HOUR,
  },
  {
    lang: 'en',
    title: 'Your live access has been approved',
    body: 'Your application may now request live tokens. Sandbox data stays separate from live data.',
    ago: 5 * DAY,
  },
  {
    lang: 'nl',
    title: 'Je sandbox-contacten worden na 90 dagen opgeschoond',
    body: 'Sandboxgegevens die 90 dagen niet zijn gebruikt, worden verwijderd. Live-gegevens blijven bewaard.',
    ago: 12 * DAY,
  },
];

/** A short, URL-safe, stable tag of a customer id (ids may contain characters a news id may not). */
const customerTag = (customerId: string) =>
  createHash('sha256').update(customerId).digest('base64url').replaceAll('-', '').replaceAll('_', '').slice(0, 10);

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * ~13 public items and 3 items for `customerId` in `environment`, published relative to `now` (epoch ms).
 * Seed each environment separately: the ids differ per environment.
 */
export function demoNews(environment: Environment, customerId: string, now: number): NewsRecord[] {
  const publicNews = PUBLIC_ITEMS.map((item, index) => ({
    id: `nw_${environment}_p${pad(index + 1)}`,
    environment,
    customerId: null,
    lang: item.lang,
    title: item.title,
    body: item.body,
    publishedAt: now - item.ago,
  }));
  const tag = customerTag(customerId);
  const customerNews = CUSTOMER_ITEMS.map((item, index) => ({
    id: `nw_${environment}_c${tag}${pad(index + 1)}`,
    environment,
    customerId,
    lang: item.lang,
    title: item.title,
    body: item.body,
    publishedAt: now - item.ago,
  }));
  return [...publicNews, ...customerNews];
}
