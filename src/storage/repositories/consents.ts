import type { ConsentRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedAny } from '../results.js';
import { json, toConsent } from '../rows.js';

export function consentRepository({ db }: Context): ConsentRepository {
  return {
    async find(userId, clientId) {
      const pair = { user_id: userId, client_id: clientId };
      const row = await db
        .selectFrom('consents')
        .selectAll()
        .where((eb) => eb.and(pair))
        .executeTakeFirst();
      return row && toConsent(row);
    },

    async upsert(consent) {
      const scopes = json(consent.scopes);
      await write(
        db
          .insertInto('consents')
          .values({
            user_id: consent.userId,
            client_id: consent.clientId,
            scopes,
            granted_at: consent.grantedAt,
            updated_at: consent.updatedAt,
          })
          // An update keeps the stored `granted_at` (when consent was first given), whatever the caller passes.
          .onConflict((oc) =>
            oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes, updated_at: consent.updatedAt }),
          )
          .execute(),
      );
    },

    async delete(userId, clientId) {
      const pair = { user_id: userId, client_id: clientId };
      const result = await db
        .deleteFrom('consents')
        .where((eb) => eb.and(pair))
        .executeTakeFirst();
      return deletedAny(result);
    },

    async listByUser(userId) {
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('client_id')
        .execute();
      return rows.map(toConsent);
    },
  };
}
