import type { SigningKeyRepository } from '../../oauth/ports.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { toSigningKey } from '../rows.js';

export function signingKeyRepository({ db }: Context): SigningKeyRepository {
  return {
    async create(key) {
      await write(
        db
          .insertInto('signing_keys')
          .values({
            kid: key.kid,
            alg: key.alg,
            private_jwk: key.privateJwk,
            public_jwk: key.publicJwk,
            created_at: key.createdAt,
            retired_at: key.retiredAt,
            expires_at: key.expiresAt,
          })
          .execute(),
      );
    },

    async listPublished(now) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .execute();
      return rows.map(toSigningKey);
    },

    async retireActive(now, expiresAt) {
      const result = await db
        .updateTable('signing_keys')
        .set({ retired_at: now, expires_at: expiresAt })
        .where('retired_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
