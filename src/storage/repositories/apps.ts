import type { AppRepository } from '../../portal/domain/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedAny, updatedAny } from '../results.js';
import { toApp } from '../rows.js';

export function appRepository({ db }: Context): AppRepository {
  return {
    async create(app) {
      await write(
        db
          .insertInto('apps')
          .values({
            id: app.id,
            owner_id: app.ownerId,
            name: app.name,
            description: app.description,
            created_at: app.createdAt,
            disabled_at: app.disabledAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toApp(row);
    },

    async listByOwner(ownerId) {
      const owned = db.selectFrom('apps').selectAll().where('owner_id', '=', ownerId);
      const rows = await owned.orderBy('created_at').orderBy('id').execute();
      return rows.map(toApp);
    },

    async listAll() {
      const rows = await db.selectFrom('apps').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toApp);
    },

    async update(id, changes) {
      const result = await db
        .updateTable('apps')
        .set({ name: changes.name, description: changes.description })
        .where('id', '=', id)
        .executeTakeFirst();
      return updatedAny(result);
    },

    async delete(id) {
      return deletedAny(await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst());
    },

    async setDisabled(id, disabledAt) {
      const result = await db
        .updateTable('apps')
        .set({ disabled_at: disabledAt })
        .where('id', '=', id)
        .executeTakeFirst();
      return updatedAny(result);
    },
  };
}
