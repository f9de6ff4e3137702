/**
 * Reference lists ("domain values"): the code lists an integrator needs to fill in or read the API's
 * fields (a contact's language, a message's channel and status …). No HTTP and no storage: the lists are
 * computed from the standards and the runtime's ICU data, localised to the requested language, and cached
 * per language because clients fetch them often.
 *
 * Domain types, by id (ids are stable; new types get new ids):
 *   1 languages         ISO 639-1 codes (languages.ts); names from ICU
 *   2 countries         ISO 3166-1 alpha-2, all officially assigned codes; names from ICU
 *   3 currencies        ISO 4217 as the runtime knows them (Intl.supportedValuesOf), only those ICU names
 *   4 message_channels  a message's `channel` (MESSAGE_CHANNELS); Flexgate's own labels
 *   5 message_statuses  a message's `status` (MESSAGE_STATUSES); Flexgate's own labels
 *   6 time_zones        IANA time zones as the runtime knows them; name = ICU's generic zone name + city
 *   7 scopes            the OAuth scopes a client may request (the scope catalogue); Flexgate's own labels
 *
 * Values are sorted by code (code-unit order, so independent of the requested language). Names come from
 * ICU in the requested language where ICU has that language; Flexgate's own labels exist in en, nl, de,
 * fr and es, and any other language gets English.
 */

import { MESSAGE_CHANNELS, MESSAGE_STATUSES, type MessageChannel, type MessageStatus } from '../ports.js';
import { EXAMPLE_SCOPES } from '../scopes.js';
import { ISO_639_1_CODES } from './languages.js';

export interface DomainType {
  id: number;
  code: string;
  name: string;
}

export interface DomainValue {
  code: string;
  name: string;
}

/** The languages Flexgate's own labels are written in; English is the fallback. */
export const LABEL_LANGUAGES = ['en', 'nl', 'de', 'fr', 'es'] as const;
export type LabelLanguage = (typeof LABEL_LANGUAGES)[number];

/** A label in every language of LABEL_LANGUAGES. */
type Labels = Readonly<Record<LabelLanguage, string>>;

/** ISO 3166-1 alpha-2: the 249 officially assigned codes (no reserved or user-assigned ones such as XK, EU). */
export const ISO_3166_1_ALPHA_2: readonly string[] = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ ' +
  'BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
  'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ ' +
  'DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
  'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ' +
  'ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ ' +
  'LA LB LC LI LK LR LS LT LU LV LY ' +
  'MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ ' +
  'NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
  'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ ' +
  'TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
).split(' ');

const TYPE_LABELS = {
  languages: { en: 'Languages', nl: 'Talen', de: 'Sprachen', fr: 'Langues', es: 'Idiomas' },
  countries: { en: 'Countries', nl: 'Landen', de: 'Länder', fr: 'Pays', es: 'Países' },
  currencies: { en: 'Currencies', nl: 'Valuta', de: 'Währungen', fr: 'Devises', es: 'Monedas' },
  message_channels: {
    en: 'Message channels',
    nl: 'Berichtkanalen',
    de: 'Nachrichtenkanäle',
    fr: 'Canaux de message',
    es: 'Canales de mensajes',
  },
  message_statuses: {
    en: 'Message statuses',
    nl: 'Berichtstatussen',
    de: 'Nachrichtenstatus',
    fr: 'Statuts de message',
    es: 'Estados de mensaje',
  },
  time_zones: { en: 'Time zones', nl: 'Tijdzones', de: 'Zeitzonen', fr: 'Fuseaux horaires', es: 'Zonas horarias' },
  scopes: {
    en: 'Access scopes',
    nl: 'Toegangsrechten',
    de: 'Zugriffsbereiche',
    fr: 'Périmètres d’accès',
    es: 'Ámbitos de acceso',
  },
} as const satisfies Record<string, Labels>;

const CHANNEL_LABELS: Readonly<Record<MessageChannel, Labels>> = {
  sms: { en: 'SMS', nl: 'Sms', de: 'SMS', fr: 'SMS', es: 'SMS' },
  email: { en: 'Email', nl: 'E-mail', de: 'E-Mail', fr: 'E-mail', es: 'Correo electrónico' },
  whatsapp: { en: 'WhatsApp', nl: 'WhatsApp', de: 'WhatsApp', fr: 'WhatsApp', es: 'WhatsApp' },
};

const STATUS_LABELS: Readonly<Record<MessageStatus, Labels>> = {
  queued: { en: 'Queued', nl: 'In de wachtrij', de: 'In der Warteschlange', fr: 'En file d’attente', es: 'En cola' },
  sent: { en: 'Sent', nl: 'Verzonden', de: 'Gesendet', fr: 'Envoyé', es: 'Enviado' },
  delivered: { en: 'Delivered', nl: 'Afgeleverd', de: 'Zugestellt', fr: 'Distribué', es: 'Entregado' },
  failed: { en: 'Failed', nl: 'Mislukt', de: 'Fehlgeschlagen', fr: 'Échec', es: 'Fallido' },
};

/** Keyed by scope name; a scope of the catalogue missing here falls back to the catalogue's English text. */
export const SCOPE_LABELS: Readonly<Record<string, Labels>> = {
  'read:contacts': {
    en: 'See your contacts',
    nl: 'Je contacten bekijken',
    de: 'Ihre Kontakte ansehen',
    fr: 'Voir vos contacts',
    es: 'Ver tus contactos',
  },
  'write:contacts': {
    en: 'Create, change and delete your contacts',
    nl: 'Je contacten aanmaken, wijzigen en verwijderen',
    de: 'Ihre Kontakte anlegen, ändern und löschen',
    fr: 'Créer, modifier et supprimer vos contacts',
    es: 'Crear, modificar y eliminar tus contactos',
  },
  'read:messages': {
    en: 'See the messages you sent and their delivery status',
    nl: 'De berichten die je verstuurde en hun afleverstatus bekijken',
    de: 'Ihre gesendeten Nachrichten und deren Zustellstatus ansehen',
    fr: 'Voir les messages envoyés et leur statut de distribution',
    es: 'Ver los mensajes enviados y su estado de entrega',
  },
  'write:messages': {
    en: 'Send messages on your behalf',
    nl: 'Namens jou berichten versturen',
    de: 'In Ihrem Namen Nachrichten senden',
    fr: 'Envoyer des messages en votre nom',
    es: 'Enviar mensajes en tu nombre',
  },
  'read:news': {
    en: 'Read your news',
    nl: 'Je nieuws lezen',
    de: 'Ihre Neuigkeiten lesen',
    fr: 'Lire vos actualités',
    es: 'Leer tus noticias',
  },
};

interface TypeDefinition {
  id: number;
  code: keyof typeof TYPE_LABELS;
  values(lang: string): DomainValue[];
}

const isLabelLanguage = (lang: string): lang is LabelLanguage => (LABEL_LANGUAGES as readonly string[]).includes(lang);

/** A Flexgate label in `lang`, or English when Flexgate has no labels in that language. */
const label = (labels: Labels, lang: string): string => labels[isLabelLanguage(lang) ? lang : 'en'];

/**
 * The locale to ask ICU for: `lang` when ICU has data for it, else English. Without this ICU would fall back
 * to the process's default locale, which depends on the machine.
 */
function icuLocale(lang: string): string {
  return Intl.DisplayNames.supportedLocalesOf([lang]).length > 0 ? lang : 'en';
}

const byCode = (a: DomainValue, b: DomainValue): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function displayNames(codes: readonly string[], type: Intl.DisplayNamesType, lang: string): DomainValue[] {
  const names = new Intl.DisplayNames([icuLocale(lang)], { type, fallback: 'none' });
  const english = new Intl.DisplayNames(['en'], { type, fallback: 'none' });
  return codes.map((code) => ({ code, name: names.of(code) ?? english.of(code) ?? code })).sort(byCode);
}

/** Currencies the runtime lists and ICU can name (in English, so the list is the same in every language). */
function currencyCodes(): string[] {
  const english = new Intl.DisplayNames(['en'], { type: 'currency', fallback: 'none' });
  return Intl.supportedValuesOf('currency').filter((code) => english.of(code) !== undefined);
}

/** A fixed instant for zone names, so a name does not change with the season (ICU's generic names rarely do). */
const ZONE_NAME_INSTANT = Date.UTC(2026, 0, 15);

/** E.g. "Midden-Europese tijd (Amsterdam)" for Europe/Amsterdam in Dutch. */
function timeZoneValues(lang: string): DomainValue[] {
  const locale = icuLocale(lang);
  return Intl.supportedValuesOf('timeZone')
    .map((code) => {
      const generic = new Intl.DateTimeFormat(locale, { timeZone: code, timeZoneName: 'longGeneric' })
        .formatToParts(ZONE_NAME_INSTANT)
        .find((part) => part.type === 'timeZoneName')?.value;
      const city = (code.split('/').at(-1) ?? code).replaceAll('_', ' ');
      return { code, name: generic === undefined ? city : `${generic} (${city})` };
    })
    .sort(byCode);
}

const TYPES: readonly TypeDefinition[] = [
  { id: 1, code: 'languages', values: (lang) => displayNames(ISO_639_1_CODES, 'language', lang) },
  { id: 2, code: 'countries', values: (lang) => displayNames(ISO_3166_1_ALPHA_2, 'region', lang) },
  { id: 3, code: 'currencies', values: (lang) => displayNames(currencyCodes(), 'currency', lang) },
  {
    id: 4,
    code: 'message_channels',
    values: (lang) => MESSAGE_CHANNELS.map((code) => ({ code, name: label(CHANNEL_LABELS[code], lang) })).sort(byCode),
  },
  {
    id: 5,
    code: 'message_statuses',
    values: (lang) => MESSAGE_STATUSES.map((code) => ({ code, name: label(STATUS_LABELS[code], lang) })).sort(byCode),
  },
  { id: 6, code: 'time_zones', values: timeZoneValues },
  {
    id: 7,
    code: 'scopes',
    values: (lang) =>
      EXAMPLE_SCOPES.map(({ name, description }) => {
        const labels = SCOPE_LABELS[name];
        return { code: name, name: labels === undefined ? description : label(labels, lang) };
      }).sort(byCode),
  },
];

const typeById = new Map(TYPES.map((type) => [type.id, type]));

/** Cache: language → the types' names; language → type id → values. Bounded by the ~183 ISO 639-1 codes. */
const typeCache = new Map<string, readonly DomainType[]>();
const valueCache = new Map<string, Map<number, readonly DomainValue[]>>();

/** Every domain type, by id, with its name in `lang` (an ISO 639-1 code; the caller validates it). */
export function domainTypes(lang: string): readonly DomainType[] {
  let types = typeCache.get(lang);
  if (types === undefined) {
    types = TYPES.map(({ id, code }) => ({ id, code, name: label(TYPE_LABELS[code], lang) }));
    typeCache.set(lang, Object.freeze(types));
  }
  return types;
}

/** The values of domain type `id` with names in `lang`; undefined for an id that is no domain type. */
export function domainValues(id: number, lang: string): readonly DomainValue[] | undefined {
  const type = typeById.get(id);
  if (type === undefined) return undefined;
  let perType = valueCache.get(lang);
  if (perType === undefined) {
    perType = new Map();
    valueCache.set(lang, perType);
  }
  let values = perType.get(id);
  if (values === undefined) {
    values = Object.freeze(type.values(lang));
    perType.set(id, values);
  }
  return values;
}

/** True for the id of a domain type. */
export const isDomainTypeId = (id: number): boolean => typeById.has(id);
