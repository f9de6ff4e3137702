/**
 * The scope catalogue: the one place that defines which scopes exist and what they mean to an end user.
 * The consent page, the server metadata, client registration and the API's route guards all read it.
 */
export interface ScopeDefinition {
  name: string;
  description: string;
}

export const SCOPE_CATALOGUE: readonly ScopeDefinition[] = [
  { name: 'read:contacts', description: 'See your contacts' },
  { name: 'write:contacts', description: 'Create, change and delete your contacts' },
  { name: 'read:messages', description: 'See the messages you sent and their delivery status' },
  { name: 'write:messages', description: 'Send messages on your behalf' },
  { name: 'read:news', description: 'Read your news' },
];

const byName = new Map(SCOPE_CATALOGUE.map((scope) => [scope.name, scope]));

export const isKnownScope = (name: string): boolean => byName.has(name);
export const describeScope = (name: string): ScopeDefinition | undefined => byName.get(name);

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Splits a scope parameter into unique tokens; undefined if any token is malformed. */
export function parseScope(value: string): string[] | undefined {
  const tokens = value.split(' ').filter((token) => token.length > 0);
  if (!tokens.every((token) => SCOPE_TOKEN.test(token))) return undefined;
  return [...new Set(tokens)];
}

export const formatScope = (scopes: readonly string[]): string => scopes.join(' ');

export const isSubset = (requested: readonly string[], allowed: readonly string[]): boolean =>
  requested.every((scope) => allowed.includes(scope));
