import { z } from 'zod';
import { notFound, ValidationError } from '../../errors.js';
import { type AnyApiRoute, API_BASE, defineRoute } from '../../route.js';
import { isoTime, pageBody } from '../links.js';
import { fetchPage } from '../pagination.js';
import { MESSAGE_CHANNELS, MESSAGE_STATUSES, type MessageRecord } from '../ports.js';
import { listOf, pageQuery, resourceId, timestamp } from '../schemas.js';
import { newMessage, newMessageId } from './service.js';

const channel = z.enum(MESSAGE_CHANNELS, { error: `Should be one of: ${MESSAGE_CHANNELS.join(', ')}.` });
const status = z.enum(MESSAGE_STATUSES);

const messageBody = z.strictObject({
  contact_id: resourceId('ct'),
  channel,
  body: z
    .string({ error: 'Should be a string.' })
    .min(1, { error: 'Is required and may not be empty.' })
    .max(1600, { error: 'Should be at most 1600 characters.' })
    .meta({ example: 'Your order has shipped.' }),
});

const message = z
  .object({
    id: z.string().meta({ example: 'msg_Q2hhbmdlTWU' }),
    contact_id: z.string(),
    channel,
    body: z.string(),
    status: status.meta({ description: 'queued → sent → delivered, or failed' }),
    created_at: timestamp,
    updated_at: timestamp,
    events: z
      .array(z.object({ status, at: timestamp, detail: z.string().nullable() }))
      .meta({ description: 'Every status the message has had, oldest first' }),
  })
  .meta({ id: 'Message' });

const toJson = (record: MessageRecord): z.input<typeof message> => ({
  id: record.id,
  contact_id: record.contactId,
  channel: record.channel,
  body: record.body,
  status: record.status,
  created_at: isoTime(record.createdAt),
  updated_at: isoTime(record.updatedAt),
  events: record.events.map((event) => ({ status: event.status, at: isoTime(event.at), detail: event.detail })),
});

export const messageRoutes: AnyApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/messages',
    operationId: 'listMessages',
    summary: 'List messages',
    description: 'Oldest first, each with its status history.',
    tag: 'Messages',
    scopes: ['read:messages'],
    query: z.strictObject(pageQuery),
    success: { status: 200, description: 'A page of messages', schema: listOf(message) },
    async handler({ query, owner, repos, url }) {
      const position = (row: MessageRecord) => ({ at: row.createdAt, id: row.id });
      const page = await fetchPage((range) => repos.messages.list(owner, range), query.limit, query.cursor, position);
      return { status: 200, body: pageBody(url, page, toJson) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/messages',
    operationId: 'sendMessage',
    summary: 'Send a message to a contact',
    description:
      'The message is queued and a background worker moves it to sent, then delivered (or failed, with the reason). ' +
      'With an `Idempotency-Key` header a repeat returns 200 and the message queued the first time.',
    tag: 'Messages',
    scopes: ['write:messages'],
    body: messageBody,
    success: { status: 201, description: 'The message was queued', schema: message },
    idempotent: true,
    async handler({ body, owner, repos, clock, random }) {
      const contact = await repos.contacts.find(owner, body.contact_id);
      if (contact === undefined)
        throw ValidationError.field('contact_id', `Contact ${body.contact_id} does not exist.`);
      const fields = { contactId: contact.id, channel: body.channel, body: body.body };
      const record = newMessage(owner, fields, newMessageId(random), clock.now());
      await repos.messages.insert(record);
      return { status: 201, body: toJson(record), location: `${API_BASE}/messages/${record.id}` };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/messages/{id}',
    operationId: 'getMessage',
    summary: 'Get a message and its status history',
    tag: 'Messages',
    scopes: ['read:messages'],
    params: z.strictObject({ id: resourceId('msg') }),
    success: { status: 200, description: 'The message', schema: message },
    async handler({ params, owner, repos }) {
      const record = await repos.messages.find(owner, params.id);
      if (record === undefined) throw notFound(`Message ${params.id} does not exist`);
      return { status: 200, body: toJson(record) };
    },
  }),
];
