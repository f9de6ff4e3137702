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

export const cryptoRandom: Random = {
  token: (bytes) => randomBytes(bytes).toString('base64url'),
};
