import type { DeleteResult, UpdateResult } from 'kysely';

/** Whether an UPDATE changed a row (the ports answer "false when no such row"). */
export const updatedAny = (result: UpdateResult): boolean => result.numUpdatedRows > 0n;

/** Whether a DELETE removed a row. */
export const deletedAny = (result: DeleteResult): boolean => result.numDeletedRows > 0n;

/** How many rows a DELETE removed (the purge methods answer it). */
export const deletedCount = (result: DeleteResult): number => Number(result.numDeletedRows);
