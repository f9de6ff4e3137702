import type { Updateable } from 'kysely';
import type { ClientRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedAny, updatedAny } from '../results.js';
import { bool, json, toClient } from '../rows.js';
import type { ClientsTable } from '../schema.js';

export function clientRepository({ db }: Context): ClientRepository {
  const update = async (id: string, values: Updateable<ClientsTable>) =>
    updatedAny(await db.updateTable('clients').set(values).where('id', '=', id).executeTakeFirst());
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

    updateSecret(id, secret) {
      return update(id, {
        secret_hash: secret.secretHash,
        previous_secret_hash: secret.previousSecretHash,
        previous_secret_expires_at: secret.previousSecretExpiresAt,
      });
    },

    async delete(id) {
      return deletedAny(await db.deleteFrom('clients').where('id', '=', id).executeTakeFirst());
    },

    async listByApp(appId) {
      // 'live' > 'sandbox', so descending puts sandbox first.
      const byApp = db.selectFrom('clients').selectAll().where('app_id', '=', appId);
      const rows = await byApp.orderBy('environment', 'desc').orderBy('id').execute();
      return rows.map(toClient);
    },

    updateSettings(id, settings) {
      return update(id, {
        name: settings.name,
        redirect_uris: json(settings.redirectUris),
        scopes: json(settings.scopes),
        grant_types: json(settings.grantTypes),
      });
    },

    setDisabled(id, disabledAt) {
      return update(id, { disabled_at: disabledAt });
    },
  };
}
