import { sql } from 'kysely';
import type { IdempotencyRepository } from '../../apis/ports.js';
import { UniqueViolationError } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedCount } from '../results.js';
import { toIdempotency } from '../rows.js';

export function idempotencyRepository({ db }: Context): IdempotencyRepository {
  return {
    async insert(record) {
      const values = {
        client_id: record.clientId,
        owner_id: record.ownerId,
        environment: record.environment,
        key: record.key,
        request_hash: record.requestHash,
        location: record.location,
        response_body: record.responseBody,
        created_at: record.createdAt,
        expires_at: record.expiresAt,
      };
      // An expired row (not yet purged) is replaced, since `find` no longer sees it; a live one is a
      // conflict. The conditional upsert decides that in one statement, also under concurrency.
      const stored = await write(
        db
          .insertInto('idempotency_keys')
          .values(values)
          .onConflict((oc) =>
            oc
              .columns(['client_id', 'owner_id', 'environment', 'key'])
              .doUpdateSet({
                request_hash: record.requestHash,
                location: record.location,
                response_body: record.responseBody,
                created_at: record.createdAt,
                expires_at: record.expiresAt,
              })
              .where(sql<boolean>`idempotency_keys.expires_at <= ${record.createdAt}`),
          )
          .returning('key')
          .executeTakeFirst(),
      );
      if (stored === undefined) {
        throw new UniqueViolationError(
          `idempotency key ${JSON.stringify(record.key)} already exists for client ${record.clientId}, owner ${record.ownerId} (${record.environment})`,
        );
      }
    },

    async find(scope, key, now) {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('client_id', '=', scope.clientId)
        .where('owner_id', '=', scope.ownerId)
        .where('environment', '=', scope.environment)
        .where('key', '=', key)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row && toIdempotency(row);
    },

    async deleteExpired(now) {
      return deletedCount(await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst());
    },
  };
}
