import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { type AnyApiRoute, defineRoute } from '../../route.js';
import { integerId, languageCode } from '../schemas.js';
import { domainTypes, domainValues } from './domain-values.js';

/**
 * Reference data ("domain values"): the code lists behind the API's coded fields, with names in the
 * requested language. The lists are small and change only with a release, so they are not paginated: a
 * response holds the whole list and `next` is always null (the envelope is the same as every other list's).
 */

const TAG = 'Reference data';

const langQuery = z.strictObject({
  lang: languageCode.optional().meta({
    description:
      'ISO 639-1 language of the names (default en). Names of standard codes come from CLDR in every language it covers; ' +
      "Flexgate's own labels exist in en, nl, de, fr and es, other languages get English.",
  }),
});

const domainType = z
  .object({
    id: z.number().int().meta({ example: 7 }),
    code: z.string().meta({ example: 'scopes' }),
    name: z.string().meta({ example: 'Access scopes' }),
  })
  .meta({ id: 'DomainType' });

const domainValue = z
  .object({
    code: z.string().meta({ example: 'nl' }),
    name: z.string().meta({ example: 'Dutch' }),
  })
  .meta({ id: 'DomainValue' });

const wholeList = <T extends z.ZodType>(item: T) =>
  z.object({
    data: z.array(item),
    next: z.null().meta({ description: 'Always null: reference lists come whole, in one page' }),
  });

export const domainValueRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/domainTypes',
    operationId: 'listDomainTypes',
    summary: 'List the reference lists',
    description:
      'The reference lists ("domain types") and their ids: 1 languages (ISO 639-1), 2 countries (ISO 3166-1 alpha-2), ' +
      '3 currencies (ISO 4217), 4 message channels, 5 message statuses, 6 time zones (IANA), 7 access scopes. ' +
      'Ids are stable. The whole list comes in one response.',
    tag: TAG,
    scopes: [],
    query: langQuery,
    success: { status: 200, description: 'Every domain type, by id', schema: wholeList(domainType) },
    async handler({ query }) {
      return { status: 200, body: { data: [...domainTypes(query.lang ?? 'en')], next: null } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/domainTypes/{id}/domainValues',
    operationId: 'listDomainValues',
    summary: 'List the values of a reference list',
    description:
      'The codes of one reference list and their names in `lang`, sorted by code. Not paginated: the whole list ' +
      'comes in one response (the largest, time zones, has about 420 entries).',
    tag: TAG,
    scopes: [],
    params: z.strictObject({ id: integerId.meta({ description: 'The domain type id (see GET /domainTypes)' }) }),
    query: langQuery,
    success: { status: 200, description: 'The values, sorted by code', schema: wholeList(domainValue) },
    async handler({ params, query }) {
      const values = domainValues(params.id, query.lang ?? 'en');
      if (values === undefined) throw new ApiError(404, 'not_found', `Domain type ${params.id} does not exist`);
      return { status: 200, body: { data: [...values], next: null } };
    },
  }),
];
