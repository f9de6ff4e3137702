/**
 * Scopes: the syntax of RFC 6749 §3.3 and the catalogue of the scopes that exist. The protocol owns none: the
 * APIs the server fronts declare theirs (the example API in apis/example/scopes.ts), and the composition root
 * hands the catalogue to the protocol, the consent page, the metadata and client registration.
 */
export interface ScopeDefinition {
  name: string;
  /** What the scope lets an app do, in words an end user understands (the consent page shows it). */
  description: string;
}

export class ScopeCatalogue {
  private readonly byName: ReadonlyMap<string, ScopeDefinition>;

  constructor(definitions: readonly ScopeDefinition[]) {
    const byName = new Map<string, ScopeDefinition>();
    for (const definition of definitions) {
      const known = byName.get(definition.name);
      if (known !== undefined && known.description !== definition.description) {
        throw new Error(`scope ${definition.name} is declared twice with different descriptions`);
      }
      byName.set(definition.name, definition);
    }
    this.byName = byName;
  }

  /** Every scope, in declaration order. */
  get all(): readonly ScopeDefinition[] {
    return [...this.byName.values()];
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  isKnown(name: string): boolean {
    return this.byName.has(name);
  }

  describe(name: string): ScopeDefinition | undefined {
    return this.byName.get(name);
  }

  /** A scope's definition, or its name as its description for a scope no API declares any more. */
  describeOrName(name: string): ScopeDefinition {
    return this.byName.get(name) ?? { name, description: name };
  }
}

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
