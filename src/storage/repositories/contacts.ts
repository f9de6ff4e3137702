import type { ContactRepository } from '../../apis/example/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedAny } from '../results.js';
import { json, toContact } from '../rows.js';
import { createdAfter, inScope } from './scoped.js';

export function contactRepository({ db }: Context): ContactRepository {
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
      return deletedAny(await db.deleteFrom('contacts').where(inScope(scope, id)).executeTakeFirst());
    },
  };
}
