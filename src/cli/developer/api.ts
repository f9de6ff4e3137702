import { readFile } from 'node:fs/promises';
import { API_BASE_PATH, createClient, type HttpMethod } from '@flexgate/client';
import { readStdin, UsageError } from '../shared.js';
import type { Profile } from './profiles.js';
import { ProfileTokenStore } from './token-store.js';

export function clientFor(name: string, profile: Profile) {
  const { tokens: _tokens, ...settings } = profile;
  return createClient({
    baseUrl: profile.baseUrl,
    clientId: profile.clientId,
    ...(profile.clientSecret === undefined ? {} : { clientSecret: profile.clientSecret }),
    scopes: profile.scopes,
    grant: profile.grant,
    tokenStore: new ProfileTokenStore(name, settings, true),
  });
}

/** The methods `api` takes (the SDK's HttpMethod, as a list to check the argument against). */
export const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface ApiFlags {
  data?: string;
  profile: string;
  idempotencyKey?: string;
}

export async function readData(value: string): Promise<unknown> {
  let text = value;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    if (file === '') throw new UsageError('--data @file needs a file name (or @- for standard input)');
    if (file === '-') {
      text = await readStdin('--data @-');
    } else {
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new UsageError(
          `--data ${value}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
      }
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Never V8's message: it quotes the input (which may hold secrets).
    const message = error instanceof Error ? error.message : '';
    const position =
      /at position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/i.test(message) ? String(text.length) : undefined);
    throw new UsageError(`--data is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`);
  }
}

export function parseApiPath(raw: string): { path: string; query: Record<string, string> } {
  if (!raw.startsWith('/')) throw new UsageError(`PATH must start with /, e.g. /contacts (got ${raw})`);
  const url = new URL(raw, 'http://path.invalid');
  let path = url.pathname;
  if (path === API_BASE_PATH || path.startsWith(`${API_BASE_PATH}/`)) path = path.slice(API_BASE_PATH.length) || '/';
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(query, name)) throw new UsageError(`the query parameter ${name} is repeated`);
    query[name] = value;
  }
  return { path, query };
}
