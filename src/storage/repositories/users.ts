import type { UserRepository } from '../../portal/domain/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { updatedAny } from '../results.js';
import { bool, toUser } from '../rows.js';

export function userRepository({ db }: Context): UserRepository {
  return {
    async create(user) {
      await write(
        db
          .insertInto('users')
          .values({
            id: user.id,
            username: user.username,
            password_hash: user.passwordHash,
            is_admin: bool(user.isAdmin),
            created_at: user.createdAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toUser(row);
    },

    async findByUsername(username) {
      const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
      return row && toUser(row);
    },

    async updatePassword(id, passwordHash) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', id)
        .executeTakeFirst();
      return updatedAny(result);
    },

    async count() {
      const row = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
