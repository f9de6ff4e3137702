import type { SessionRepository } from '../../portal/domain/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedCount } from '../results.js';
import { toSession } from '../rows.js';

export function sessionRepository({ db }: Context): SessionRepository {
  return {
    async create(session) {
      await write(
        db
          .insertInto('sessions')
          .values({
            id_hash: session.idHash,
            user_id: session.userId,
            csrf_token: session.csrfToken,
            created_at: session.createdAt,
            expires_at: session.expiresAt,
          })
          .execute(),
      );
    },

    async findByHash(idHash) {
      const row = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return row && toSession(row);
    },

    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteByUser(userId) {
      return deletedCount(await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst());
    },

    async deleteExpired(before) {
      return deletedCount(await db.deleteFrom('sessions').where('expires_at', '<', before).executeTakeFirst());
    },
  };
}
