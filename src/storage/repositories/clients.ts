import type { ClientRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { bool, json, toClient } from '../rows.js';

export function clientRepository({ db }: Context): ClientRepository {
  return {
    async create(client) {
      await write(
        db
          .insertInto('clients')
          .values({
            id: client.id,
            name: client.name,
            secret_hash: client.secretHash,
            previous_secret_hash: client.previousSecretHash,
            previous_secret_expires_at: client.previousSecretExpiresAt,
            redirect_uris: json(client.redirectUris),
            scopes: json(client.scopes),
            grant_types: json(client.grantTypes),
            environment: client.environment,
            is_public: bool(client.isPublic),
            created_at: client.createdAt,
            app_id: client.appId,
            disabled_at: client.disabledAt,
          })
          .execute(),
      );
    },

    async findById(id) {
      const row = await db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toClient(row);
    },

    async list() {
      const rows = await db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toClient);
    },

    async updateSecret(id, secret) {
      const result = await db
        .updateTable('clients')
        .set({
          secret_hash: secret.secretHash,
          previous_secret_hash: secret.previousSecretHash,
          previous_secret_expires_at: secret.previousSecretExpiresAt,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async delete(id) {
      const result = await db.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },

    async listByApp(appId) {
      // 'live' > 'sandbox', so descending puts sandbox first.
      const rows = await db
        .selectFrom('clients')
        .selectAll()
        .where('app_id', '=', appId)
        .orderBy('environment', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    async updateSettings(id, settings) {
      const result = await db
        .updateTable('clients')
        .set({
          name: settings.name,
          redirect_uris: json(settings.redirectUris),
          scopes: json(settings.scopes),
          grant_types: json(settings.grantTypes),
        })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async setDisabled(id, disabledAt) {
      const result = await db
        .updateTable('clients')
        .set({ disabled_at: disabledAt })
        .where('id', '=', id)
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}
