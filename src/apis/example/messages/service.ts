import type { Random } from '../../../oauth/ports.js';
import type { ContactRecord, DataScope, MessageChannel, MessageRecord } from '../ports.js';

export const newMessageId = (random: Random) => `msg_${random.token(12)}`;

/** A message as accepted: queued, with that as its first event. */
export function newMessage(
  scope: DataScope,
  fields: { contactId: string; channel: MessageChannel; body: string },
  id: string,
  now: number,
): MessageRecord {
  return {
    id,
    ownerId: scope.ownerId,
    environment: scope.environment,
    ...fields,
    status: 'queued',
    createdAt: now,
    updatedAt: now,
    events: [{ status: 'queued', at: now, detail: null }],
  };
}

/** Where a channel delivers to for this contact; undefined when the contact has no such address. */
export function addressFor(contact: ContactRecord, channel: MessageChannel): string | undefined {
  return (channel === 'email' ? contact.email : contact.phone) ?? undefined;
}

export const missingAddress = (channel: MessageChannel) =>
  channel === 'email' ? 'the contact has no e-mail address' : 'the contact has no phone number';
