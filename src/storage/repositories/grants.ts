import type { GrantRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedCount, updatedAny } from '../results.js';
import { json, toGrant } from '../rows.js';

export function grantRepository({ db }: Context): GrantRepository {
  /** Sets `revoked_at` on the not yet revoked grants where `column` is `value`. */
  const revokeWhere = (column: 'id' | 'client_id', value: string, now: number) =>
    db.updateTable('grants').set({ revoked_at: now }).where(column, '=', value).where('revoked_at', 'is', null);
  return {
    async create(grant) {
      await write(
        db
          .insertInto('grants')
          .values({
            id: grant.id,
            client_id: grant.clientId,
            user_id: grant.userId,
            scopes: json(grant.scopes),
            environment: grant.environment,
            created_at: grant.createdAt,
            revoked_at: grant.revokedAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toGrant(row);
    },

    async revoke(id, now) {
      return updatedAny(await revokeWhere('id', id, now).executeTakeFirst());
    },

    async revokeByClient(clientId, now) {
      const rows = await revokeWhere('client_id', clientId, now).returning('id').execute();
      return rows.map((r) => r.id).sort();
    },

    async revokeByUserAndClient(userId, clientId, now) {
      const rows = await revokeWhere('client_id', clientId, now)
        .where('user_id', '=', userId)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort();
    },

    async deleteRevokedBefore(before) {
      return deletedCount(await db.deleteFrom('grants').where('revoked_at', '<', before).executeTakeFirst());
    },
  };
}
