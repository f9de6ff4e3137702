import { type Kysely, sql } from 'kysely';
import type { RevocationRecord, RevocationRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedCount } from '../results.js';
import { toRevocation } from '../rows.js';
import type { Database } from '../schema.js';

/**
 * Key of the PostgreSQL advisory lock that serialises revocation inserts (see `revocations.add`).
 * An arbitrary constant ("flgr"); it only has to differ from other advisory locks taken in the database.
 */
const REVOCATION_LOCK_KEY = 0x666c6772;

export function revocationRepository(context: Context): RevocationRepository {
  const { db, dialect, inTransaction } = context;

  const insert = async (q: Kysely<Database>, revocation: Omit<RevocationRecord, 'seq'>): Promise<RevocationRecord> => {
    if (dialect === 'postgres') {
      // Pollers read `seq > last seen`, which is only safe if rows become visible in seq order. PostgreSQL
      // hands out identity values at insert time, not commit time, so two concurrent inserts could commit
      // out of order and a poller would skip the lower seq forever. A transaction-scoped advisory lock makes
      // inserts (and hence commits) happen one at a time. SQLite has a single writer, so it needs nothing.
      await sql`select pg_advisory_xact_lock(${sql.lit(REVOCATION_LOCK_KEY)})`.execute(q);
    }
    const row = await write(
      q
        .insertInto('revocations')
        .values({
          kind: revocation.kind,
          value: revocation.value,
          created_at: revocation.createdAt,
          expires_at: revocation.expiresAt,
        })
        .returning('seq')
        .executeTakeFirstOrThrow(),
    );
    return { ...revocation, seq: Number(row.seq) };
  };

  return {
    async add(revocation) {
      if (dialect === 'postgres' && !inTransaction) {
        return db.transaction().execute((trx) => insert(trx, revocation));
      }
      return insert(db, revocation);
    },

    async listSince(afterSeq, now) {
      const live = db.selectFrom('revocations').selectAll().where('expires_at', '>', now);
      const rows = await live.where('seq', '>', afterSeq).orderBy('seq').execute();
      return rows.map(toRevocation);
    },

    async deleteExpired(before) {
      return deletedCount(await db.deleteFrom('revocations').where('expires_at', '<', before).executeTakeFirst());
    },
  };
}
