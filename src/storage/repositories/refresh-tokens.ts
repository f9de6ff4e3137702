import type { RefreshTokenRepository } from '../../oauth/ports.js';
import { consumeOnce } from '../consume-once.js';
import type { Context } from '../context.js';
import { write } from '../errors.js';
import { deletedCount } from '../results.js';
import { json, toRefreshToken } from '../rows.js';

const REFRESH_TOKENS = {
  table: 'refresh_tokens',
  key: 'token_hash',
  usedAt: 'rotated_at',
  toRecord: toRefreshToken,
} as const;

export function refreshTokenRepository({ db }: Context): RefreshTokenRepository {
  return {
    async create(token) {
      await write(
        db
          .insertInto('refresh_tokens')
          .values({
            token_hash: token.tokenHash,
            grant_id: token.grantId,
            scopes: json(token.scopes),
            created_at: token.createdAt,
            expires_at: token.expiresAt,
            rotated_at: token.rotatedAt,
          })
          .execute(),
      );
    },

    async findByHash(tokenHash) {
      const row = await db
        .selectFrom('refresh_tokens')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row && toRefreshToken(row);
    },

    rotate(tokenHash, now) {
      return consumeOnce(db, REFRESH_TOKENS, tokenHash, now);
    },

    async deleteExpired(before) {
      return deletedCount(await db.deleteFrom('refresh_tokens').where('expires_at', '<', before).executeTakeFirst());
    },
  };
}
