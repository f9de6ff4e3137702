import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Random } from './ports.js';

/**
 * Client secrets, codes, refresh tokens and session ids are 256-bit random strings, so a fast hash is enough
 * to make a stolen database useless (there is nothing to brute-force); argon2 is kept for passwords.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(presented: string, storedHash: string | null): boolean {
  if (storedHash === null) return false;
  const presentedHash = Buffer.from(hashSecret(presented));
  const expected = Buffer.from(storedHash);
  return presentedHash.length === expected.length && timingSafeEqual(presentedHash, expected);
}

const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

/**
 * Random strings from the CSPRNG, drawn from a pooled buffer: one system call per 4 KiB instead of one per
 * token (a token request needs two). Every byte is used once.
 */
export const cryptoRandom: Random = {
  token(bytes) {
    if (bytes > POOL_BYTES) return randomBytes(bytes).toString('base64url');
    if (poolOffset + bytes > POOL_BYTES) {
      pool = randomBytes(POOL_BYTES);
      poolOffset = 0;
    }
    const token = pool.toString('base64url', poolOffset, poolOffset + bytes);
    poolOffset += bytes;
    return token;
  },
};
