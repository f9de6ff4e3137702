import type { Random } from '../../../oauth/ports.js';
import type { ContactChanges, ContactFields, ContactRecord, ContactRepository, DataScope } from '../ports.js';

export const newContactId = (random: Random) => `ct_${random.token(12)}`;

/** Normalises tags: trimmed, unique, in the order given. */
export const normaliseTags = (tags: readonly string[]) => [...new Set(tags.map((tag) => tag.trim()))];

export function newContact(scope: DataScope, fields: ContactFields, id: string, now: number): ContactRecord {
  return {
    id,
    ownerId: scope.ownerId,
    environment: scope.environment,
    ...fields,
    tags: normaliseTags(fields.tags),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The contact with `changes` applied (PUT passes every field, PATCH some), as stored afterwards; undefined if
 * there is none. One atomic update of just the given fields: a concurrent change of another field stays.
 */
export async function changeContact(
  contacts: ContactRepository,
  scope: DataScope,
  id: string,
  changes: ContactChanges,
  now: number,
): Promise<ContactRecord | undefined> {
  const { tags, ...rest } = changes;
  return contacts.patch(scope, id, tags === undefined ? rest : { ...rest, tags: normaliseTags(tags) }, now);
}
