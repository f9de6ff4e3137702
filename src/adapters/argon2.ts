import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../portal/domain/ports.js';

/** argon2id with the OWASP-recommended minimum (19 MiB, 2 iterations, 1 lane). */
const OPTIONS = {
  // Algorithm.Argon2id is an ambient const enum, which verbatimModuleSyntax cannot import: its value is 2.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export const argon2Passwords: PasswordHasher = {
  hash: (password) => hash(password, OPTIONS),
  async verify(passwordHash, password) {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash is a failed login, not a crash.
      return false;
    }
  },
};
