import type { AuthorizationCodeRepository } from '../../oauth/ports.js';
import { consumeOnce } from '../consume-once.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedCount } from '../results.js';
import { json, toCode } from '../rows.js';

const AUTHORIZATION_CODES = {
  table: 'authorization_codes',
  key: 'code_hash',
  usedAt: 'used_at',
  toRecord: toCode,
} as const;

export function codeRepository({ db }: Context): AuthorizationCodeRepository {
  return {
    async create(code) {
      await write(
        db
          .insertInto('authorization_codes')
          .values({
            code_hash: code.codeHash,
            client_id: code.clientId,
            user_id: code.userId,
            redirect_uri: code.redirectUri,
            scopes: json(code.scopes),
            code_challenge: code.codeChallenge,
            environment: code.environment,
            created_at: code.createdAt,
            expires_at: code.expiresAt,
            used_at: code.usedAt,
            grant_id: code.grantId,
          })
          .execute(),
      );
    },

    async findByHash(codeHash) {
      const row = await db
        .selectFrom('authorization_codes')
        .selectAll()
        .where('code_hash', '=', codeHash)
        .executeTakeFirst();
      return row && toCode(row);
    },

    consume(codeHash, now) {
      return consumeOnce(db, AUTHORIZATION_CODES, codeHash, now);
    },

    async attachGrant(codeHash, grantId) {
      await db
        .updateTable('authorization_codes')
        .set({ grant_id: grantId })
        .where('code_hash', '=', codeHash)
        .execute();
    },

    async deleteExpired(before) {
      return deletedCount(
        await db.deleteFrom('authorization_codes').where('expires_at', '<', before).executeTakeFirst(),
      );
    },
  };
}
