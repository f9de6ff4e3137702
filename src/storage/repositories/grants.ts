import type { GrantRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { json, toGrant } from '../rows.js';

export function grantRepository({ db }: Context): GrantRepository {
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
      const result = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async revokeByClient(clientId, now) {
      const rows = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort();
    },

    async revokeByUserAndClient(userId, clientId, now) {
      const rows = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('user_id', '=', userId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((r) => r.id).sort();
    },

    async deleteRevokedBefore(before) {
      const result = await db.deleteFrom('grants').where('revoked_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
