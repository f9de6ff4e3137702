import type { Random } from '../ports.js';
import type { ContactRecord, ContactRepository, DataScope } from './ports.js';

/** The fields a client sets on a contact (create and replace); PATCH sends any subset. */
export interface ContactFields {
  name: string;
  email: string | null;
  phone: string | null;
  language: string | null;
  tags: string[];
}

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

/** The contact with `changes` applied (PUT passes every field, PATCH some); undefined if there is none. */
export async function changeContact(
  contacts: ContactRepository,
  scope: DataScope,
  id: string,
  changes: Partial<ContactFields>,
  now: number,
): Promise<ContactRecord | undefined> {
  const current = await contacts.find(scope, id);
  if (current === undefined) return undefined;
  const next: ContactRecord = {
    ...current,
    ...changes,
    tags: changes.tags === undefined ? current.tags : normaliseTags(changes.tags),
    updatedAt: now,
  };
  return (await contacts.update(next)) ? next : undefined;
}
