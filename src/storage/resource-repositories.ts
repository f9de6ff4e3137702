/**
 * Kysely repositories of the REST API's resources (src/core/resources/ports.ts), for SQLite and PostgreSQL
 * alike. Every query of a `DataScope` filters on owner and environment; lists are keyset-paginated on
 * (sort time, id), with the condition written as `t >= at and (t > at or id > after)` so that the leading
 * range can use the table's (scope…, t, id) index.
 */
import { type ExpressionBuilder, type Kysely, sql, type Transaction } from 'kysely';
import type {
  ContactRecord,
  ContactRepository,
  DataScope,
  MessageChannel,
  MessageEventRecord,
  MessageRecord,
  MessageRepository,
  MessageStatus,
  NewsRecord,
  NewsRepository,
  PagePosition,
} from '../apis/example/ports.js';
import type { ApiRepositories, IdempotencyRecord, IdempotencyRepository } from '../apis/ports.js';
import type { Environment } from '../oauth/ports.js';
import { UniqueViolationError } from '../oauth/ports.js';
import { type Context, json, strings, write } from './kysely-storage.js';
import type {
  ContactsTable,
  Database,
  IdempotencyKeysTable,
  MessageEventsTable,
  MessagesTable,
  NewsTable,
} from './schema.js';

/* ----- row → record ----- */

function toContact(row: ContactsTable): ContactRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    environment: row.environment as Environment,
    name: row.name,
    email: row.email,
    phone: row.phone,
    language: row.language,
    tags: strings(row.tags),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEvent(row: MessageEventsTable): MessageEventRecord {
  return { status: row.status as MessageStatus, at: row.at, detail: row.detail };
}

function toMessage(row: MessagesTable, events: MessageEventRecord[]): MessageRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    environment: row.environment as Environment,
    contactId: row.contact_id,
    channel: row.channel as MessageChannel,
    body: row.body,
    status: row.status as MessageStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    events,
  };
}

function toNews(row: NewsTable): NewsRecord {
  return {
    id: row.id,
    environment: row.environment as Environment,
    customerId: row.customer_id,
    lang: row.lang,
    title: row.title,
    body: row.body,
    publishedAt: row.published_at,
  };
}

function toIdempotency(row: IdempotencyKeysTable): IdempotencyRecord {
  return {
    clientId: row.client_id,
    ownerId: row.owner_id,
    environment: row.environment as Environment,
    key: row.key,
    requestHash: row.request_hash,
    location: row.location,
    responseBody: row.response_body,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Oldest-first keyset condition of contacts and messages: rows strictly after `after` in (created_at, id). */
function createdAfter(after: PagePosition) {
  return (eb: ExpressionBuilder<Database, 'contacts'> | ExpressionBuilder<Database, 'messages'>) => {
    // Both tables have created_at and id; Kysely types the builder per table, so one is named.
    const scoped = eb as ExpressionBuilder<Database, 'contacts'>;
    return scoped.and([
      scoped('created_at', '>=', after.at),
      scoped.or([scoped('created_at', '>', after.at), scoped('id', '>', after.id)]),
    ]);
  };
}

/**
 * The rows of `scope` (its owner in its environment), and only row `id` when one is given: the filter of
 * every scoped query of contacts and messages.
 */
function inScope(scope: DataScope, id?: string) {
  return (eb: ExpressionBuilder<Database, 'contacts'> | ExpressionBuilder<Database, 'messages'>) => {
    // Both tables have owner_id, environment and id; Kysely types the builder per table, so one is named.
    const scoped = eb as ExpressionBuilder<Database, 'contacts'>;
    return scoped.and({
      owner_id: scope.ownerId,
      environment: scope.environment,
      ...(id === undefined ? {} : { id }),
    });
  };
}

/** Runs `work` in a transaction, or directly when the repositories already run in one. */
function atomically<T>(
  { db, inTransaction }: Context,
  work: (q: Kysely<Database> | Transaction<Database>) => Promise<T>,
): Promise<T> {
  return inTransaction ? work(db) : db.transaction().execute(work);
}

/* ----- repositories ----- */

function contactRepository({ db }: Context): ContactRepository {
  return {
    async insert(contact) {
      await write(
        db
          .insertInto('contacts')
          .values({
            id: contact.id,
            owner_id: contact.ownerId,
            environment: contact.environment,
            name: contact.name,
            email: contact.email,
            phone: contact.phone,
            language: contact.language,
            tags: json(contact.tags),
            created_at: contact.createdAt,
            updated_at: contact.updatedAt,
          })
          .execute(),
      );
    },

    async find(scope, id) {
      const row = await db.selectFrom('contacts').selectAll().where(inScope(scope, id)).executeTakeFirst();
      return row && toContact(row);
    },

    async list(scope, page) {
      let query = db.selectFrom('contacts').selectAll().where(inScope(scope));
      if (page.after !== undefined) query = query.where(createdAfter(page.after));
      const rows = await query.orderBy('created_at').orderBy('id').limit(page.limit).execute();
      return rows.map(toContact);
    },

    async patch(scope, id, changes, updatedAt) {
      // One UPDATE … RETURNING: only the given columns change, so parallel patches of different fields all
      // survive (no read-modify-write), and the row returned is the one this statement wrote.
      const row = await db
        .updateTable('contacts')
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.email === undefined ? {} : { email: changes.email }),
          ...(changes.phone === undefined ? {} : { phone: changes.phone }),
          ...(changes.language === undefined ? {} : { language: changes.language }),
          ...(changes.tags === undefined ? {} : { tags: json(changes.tags) }),
          updated_at: updatedAt,
        })
        .where(inScope(scope, id))
        .returningAll()
        .executeTakeFirst();
      return row && toContact(row);
    },

    async delete(scope, id) {
      const result = await db.deleteFrom('contacts').where(inScope(scope, id)).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function messageRepository(context: Context): MessageRepository {
  const { db } = context;

  /** The messages of `rows`, each with its events (oldest first), loaded in one query. */
  const withEvents = async (rows: MessagesTable[]): Promise<MessageRecord[]> => {
    if (rows.length === 0) return [];
    const events = await db
      .selectFrom('message_events')
      .selectAll()
      .where(
        'message_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('message_id')
      .orderBy('seq')
      .execute();
    const byMessage = new Map<string, MessageEventRecord[]>();
    for (const event of events) {
      let list = byMessage.get(event.message_id);
      if (list === undefined) {
        list = [];
        byMessage.set(event.message_id, list);
      }
      list.push(toEvent(event));
    }
    return rows.map((row) => toMessage(row, byMessage.get(row.id) ?? []));
  };

  return {
    async insert(message) {
      await atomically(context, async (q) => {
        await write(
          q
            .insertInto('messages')
            .values({
              id: message.id,
              owner_id: message.ownerId,
              environment: message.environment,
              contact_id: message.contactId,
              channel: message.channel,
              body: message.body,
              status: message.status,
              created_at: message.createdAt,
              updated_at: message.updatedAt,
            })
            .execute(),
        );
        if (message.events.length > 0) {
          await write(
            q
              .insertInto('message_events')
              .values(
                message.events.map((event, i) => ({
                  message_id: message.id,
                  seq: i + 1,
                  status: event.status,
                  at: event.at,
                  detail: event.detail,
                })),
              )
              .execute(),
          );
        }
      });
    },

    async find(scope, id) {
      const row = await db.selectFrom('messages').selectAll().where(inScope(scope, id)).executeTakeFirst();
      if (row === undefined) return undefined;
      const [message] = await withEvents([row]);
      return message;
    },

    async list(scope, page) {
      let query = db.selectFrom('messages').selectAll().where(inScope(scope));
      if (page.after !== undefined) query = query.where(createdAfter(page.after));
      const rows = await query.orderBy('created_at').orderBy('id').limit(page.limit).execute();
      return withEvents(rows);
    },

    async listDue(status, before, limit) {
      const rows = await db
        .selectFrom('messages')
        .selectAll()
        .where('status', '=', status)
        .where('updated_at', '<=', before)
        .orderBy('updated_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return withEvents(rows);
    },

    async transition(id, from, event) {
      // The conditional UPDATE decides a race (as `codes.consume`): a second worker's UPDATE waits for the
      // first to commit (PostgreSQL) or runs after it (SQLite), then matches no row. The row lock it holds
      // until commit also makes the next `seq` safe to compute.
      return atomically(context, async (q) => {
        const result = await q
          .updateTable('messages')
          .set({ status: event.status, updated_at: event.at })
          .where('id', '=', id)
          .where('status', '=', from)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        const last = await q
          .selectFrom('message_events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .where('message_id', '=', id)
          .executeTakeFirst();
        await write(
          q
            .insertInto('message_events')
            .values({
              message_id: id,
              seq: Number(last?.seq ?? 0) + 1,
              status: event.status,
              at: event.at,
              detail: event.detail,
            })
            .execute(),
        );
        return true;
      });
    },
  };
}

function newsRepository({ db }: Context): NewsRepository {
  return {
    async insert(item) {
      await write(
        db
          .insertInto('news')
          .values({
            id: item.id,
            environment: item.environment,
            customer_id: item.customerId,
            lang: item.lang,
            title: item.title,
            body: item.body,
            published_at: item.publishedAt,
          })
          .execute(),
      );
    },

    async list(filter, page) {
      let query = db.selectFrom('news').selectAll().where('environment', '=', filter.environment);
      query =
        filter.customerId === null
          ? query.where('customer_id', 'is', null)
          : query.where('customer_id', '=', filter.customerId);
      if (filter.lang !== undefined) query = query.where('lang', '=', filter.lang);
      if (filter.since !== undefined) query = query.where('published_at', '>=', filter.since);
      const after = page.after;
      if (after !== undefined) {
        // Newest first, so "after" is older: (published_at, id) < (at, id).
        query = query.where((eb) =>
          eb.and([
            eb('published_at', '<=', after.at),
            eb.or([eb('published_at', '<', after.at), eb('id', '<', after.id)]),
          ]),
        );
      }
      const rows = await query.orderBy('published_at', 'desc').orderBy('id', 'desc').limit(page.limit).execute();
      return rows.map(toNews);
    },
  };
}

function idempotencyRepository({ db }: Context): IdempotencyRepository {
  return {
    async insert(record) {
      const values = {
        client_id: record.clientId,
        owner_id: record.ownerId,
        environment: record.environment,
        key: record.key,
        request_hash: record.requestHash,
        location: record.location,
        response_body: record.responseBody,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
      };
      // An expired row (not yet purged) is replaced, since `find` no longer sees it; a live one is a
      // conflict. The conditional upsert decides that in one statement, also under concurrency.
      const stored = await write(
        db
          .insertInto('idempotency_keys')
          .values(values)
          .onConflict((oc) =>
            oc
              .columns(['client_id', 'owner_id', 'environment', 'key'])
              .doUpdateSet({
                request_hash: record.requestHash,
                location: record.location,
                response_body: record.responseBody,
                created_at: record.createdAt,
                expires_at: record.expiresAt,
              })
              .where(sql<boolean>`idempotency_keys.expires_at <= ${record.createdAt}`),
          )
          .returning('key')
          .executeTakeFirst(),
      );
      if (stored === undefined) {
        throw new UniqueViolationError(
          `idempotency key ${JSON.stringify(record.key)} already exists for client ${record.clientId}, owner ${record.ownerId} (${record.environment})`,
        );
      }
    },

    async find(scope, key, now) {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('client_id', '=', scope.clientId)
        .where('owner_id', '=', scope.ownerId)
        .where('environment', '=', scope.environment)
        .where('key', '=', key)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && toIdempotency(row);
    },

    async deleteExpired(now) {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** The resource repositories over `context`'s database or transaction. */
export function createResourceRepositories(
  context: Context,
): Pick<ApiRepositories, 'contacts' | 'messages' | 'news' | 'idempotencyKeys'> {
  return {
    contacts: contactRepository(context),
    messages: messageRepository(context),
    news: newsRepository(context),
    idempotencyKeys: idempotencyRepository(context),
  };
}
