import { createHash } from 'node:crypto';
import type { ContactFields, ContactRecord } from '../apis/example/ports.js';
import type { Environment } from '../oauth/ports.js';

const PEOPLE: readonly ContactFields[] = [
  { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+447700900123', language: 'en', tags: ['vip'] },
  { name: 'Jan de Vries', email: 'jan.devries@example.nl', phone: '+31612345678', language: 'nl', tags: ['customer'] },
  { name: 'Sophie Martin', email: 'sophie.martin@example.fr', phone: null, language: 'fr', tags: ['newsletter'] },
  { name: 'Lukas Schmidt', email: null, phone: '+4915123456789', language: 'de', tags: ['customer', 'sms'] },
  { name: 'María García', email: 'maria@example.es', phone: '+34612345678', language: 'es', tags: [] },
  {
    name: 'Grace Hopper',
    email: 'grace@example.com',
    phone: '+12025550123',
    language: 'en',
    tags: ['vip', 'newsletter'],
  },
];

/**
 * Contacts for the demo: a handful of people in several languages, some without an e-mail address or phone
 * number (so a message on that channel visibly fails). Ids are deterministic per owner and environment.
 */
export function demoContacts(ownerId: string, environment: Environment, now: number): ContactRecord[] {
  const suffix = createHash('sha256').update(`${environment}:${ownerId}`).digest('base64url').slice(0, 10);
  return PEOPLE.map((person, index) => {
    const at = now - (PEOPLE.length - index) * 60_000;
    return { ...person, id: `ct_demo${index + 1}_${suffix}`, ownerId, environment, createdAt: at, updatedAt: at };
  });
}
