import type { MessageEventRecord, MessageRecord, MessageRepository } from '../../apis/example/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { toEvent, toMessage } from '../rows.js';
import type { MessagesTable } from '../schema.js';
import { atomically, createdAfter, inScope } from './scoped.js';

export function messageRepository(context: Context): MessageRepository {
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
