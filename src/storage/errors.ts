import { UniqueViolationError } from '../oauth/ports.js';

const UNIQUE_VIOLATION_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);

/** True for a unique or primary-key violation from better-sqlite3 or node-postgres. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && UNIQUE_VIOLATION_CODES.has(code);
}

/** Runs a write, turning a unique violation into the port's `UniqueViolationError`. */
export async function write<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new UniqueViolationError((error as Error).message, { cause: error });
    }
    throw error;
  }
}

/** Opening the database failed (unreachable server, bad URL, unwritable directory, failed migration). */
export class StorageOpenError extends Error {
  override readonly name = 'StorageOpenError';
}
