import { ScopeCatalogue, type ScopeDefinition } from '../../oauth/scopes.js';

/** The scopes of the example API: its routes require them, the consent page describes them. */
export const EXAMPLE_SCOPES: readonly ScopeDefinition[] = [
  { name: 'read:contacts', description: 'See your contacts' },
  { name: 'write:contacts', description: 'Create, change and delete your contacts' },
  { name: 'read:messages', description: 'See the messages you sent and their delivery status' },
  { name: 'write:messages', description: 'Send messages on your behalf' },
  { name: 'read:news', description: 'Read your news' },
];

/** The catalogue of a server that fronts the example API only (today's only product). */
export const exampleScopeCatalogue = (): ScopeCatalogue => new ScopeCatalogue(EXAMPLE_SCOPES);
