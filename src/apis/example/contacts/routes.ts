import { z } from 'zod';
import { notFound } from '../../errors.js';
import { type AnyApiRoute, API_BASE, defineRoute } from '../../route.js';
import { isoTime, pageBody } from '../links.js';
import { fetchPage } from '../pagination.js';
import type { ContactRecord, PagePosition } from '../ports.js';
import { e164Phone, emailAddress, languageCode, listOf, pageQuery, resourceId, timestamp } from '../schemas.js';
import { changeContact, newContact, newContactId } from './service.js';

const name = z
  .string({ error: 'Should be a string.' })
  .trim()
  .min(1, { error: 'Is required and may not be blank.' })
  .max(200, { error: 'Should be at most 200 characters.' })
  .meta({ example: 'Ada Lovelace' });
const tags = z
  .array(
    z.string().trim().min(1, { error: 'Should not be blank.' }).max(50, { error: 'Should be at most 50 characters.' }),
    {
      error: 'Should be an array of strings.',
    },
  )
  .max(20, { error: 'Should have at most 20 tags.' })
  .meta({ example: ['customer', 'newsletter'] });

/** Create and replace (PUT): every field; the optional ones default to empty. */
const contactBody = z.strictObject({
  name,
  email: emailAddress.nullable().default(null),
  phone: e164Phone.nullable().default(null),
  language: languageCode.nullable().default(null),
  tags: tags.default([]),
});

/** PATCH: any subset of the fields, at least one. */
const contactPatch = z
  .strictObject({
    name: name.optional(),
    email: emailAddress.nullable().optional(),
    phone: e164Phone.nullable().optional(),
    language: languageCode.nullable().optional(),
    tags: tags.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { error: 'Send at least one field to change.' });

const contact = z
  .object({
    id: z.string().meta({ example: 'ct_Q2hhbmdlTWU' }),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable().meta({ description: 'E.164' }),
    language: z.string().nullable().meta({ description: 'ISO 639-1' }),
    tags: z.array(z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Contact' });

const contactPath = z.strictObject({ id: resourceId('ct') });
const listQuery = z.strictObject(pageQuery);

function toJson(record: ContactRecord): z.input<typeof contact> {
  // Most contacts were never changed: format the time once (lists format 40 times a page otherwise).
  const createdAt = isoTime(record.createdAt);
  return {
    id: record.id,
    name: record.name,
    email: record.email,
    phone: record.phone,
    language: record.language,
    tags: record.tags,
    created_at: createdAt,
    updated_at: record.updatedAt === record.createdAt ? createdAt : isoTime(record.updatedAt),
  };
}

const location = (id: string) => `${API_BASE}/contacts/${id}`;
const position = (record: ContactRecord): PagePosition => ({ at: record.createdAt, id: record.id });
const missing = (id: string) => notFound(`Contact ${id} does not exist`);

export const contactRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/contacts',
    operationId: 'listContacts',
    summary: 'List contacts',
    description: 'Oldest first. Follow `next` until it is null to read them all.',
    tag: 'Contacts',
    scopes: ['read:contacts'],
    query: listQuery,
    success: { status: 200, description: 'A page of contacts', schema: listOf(contact) },
    async handler({ query, owner, repos, url }) {
      const page = await fetchPage((range) => repos.contacts.list(owner, range), query.limit, query.cursor, position);
      return { status: 200, body: pageBody(url, page, toJson) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/contacts',
    operationId: 'createContact',
    summary: 'Create a contact',
    description:
      'With an `Idempotency-Key` header, a repeat of the same request returns 200 and the contact created the first time.',
    tag: 'Contacts',
    scopes: ['write:contacts'],
    body: contactBody,
    success: { status: 201, description: 'The contact was created', schema: contact },
    idempotent: true,
    async handler({ body, owner, repos, clock, random }) {
      const record = newContact(owner, body, newContactId(random), clock.now());
      await repos.contacts.insert(record);
      return { status: 201, body: toJson(record), location: location(record.id) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/contacts/{id}',
    operationId: 'getContact',
    summary: 'Get a contact',
    tag: 'Contacts',
    scopes: ['read:contacts'],
    params: contactPath,
    success: { status: 200, description: 'The contact', schema: contact },
    async handler({ params, owner, repos }) {
      const record = await repos.contacts.find(owner, params.id);
      if (record === undefined) throw missing(params.id);
      return { status: 200, body: toJson(record) };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/contacts/{id}',
    operationId: 'replaceContact',
    summary: 'Replace a contact',
    description: 'Sets every field; an optional field left out becomes empty.',
    tag: 'Contacts',
    scopes: ['write:contacts'],
    params: contactPath,
    body: contactBody,
    success: { status: 200, description: 'The contact as stored', schema: contact },
    async handler({ params, body, owner, repos, clock }) {
      const record = await changeContact(repos.contacts, owner, params.id, body, clock.now());
      if (record === undefined) throw missing(params.id);
      return { status: 200, body: toJson(record) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/contacts/{id}',
    operationId: 'updateContact',
    summary: 'Change some fields of a contact',
    description: 'Only the fields sent change; send null to clear an optional field.',
    tag: 'Contacts',
    scopes: ['write:contacts'],
    params: contactPath,
    body: contactPatch,
    success: { status: 200, description: 'The contact as stored', schema: contact },
    async handler({ params, body, owner, repos, clock }) {
      const changes = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
      const record = await changeContact(repos.contacts, owner, params.id, changes, clock.now());
      if (record === undefined) throw missing(params.id);
      return { status: 200, body: toJson(record) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/contacts/{id}',
    operationId: 'deleteContact',
    summary: 'Delete a contact',
    tag: 'Contacts',
    scopes: ['write:contacts'],
    params: contactPath,
    success: { status: 204, description: 'The contact was deleted' },
    async handler({ params, owner, repos }) {
      if (!(await repos.contacts.delete(owner, params.id))) throw missing(params.id);
      return { status: 204 };
    },
  }),
];
