import { type Command, InvalidArgumentError } from 'commander';
import type { FlexgateContext } from '../context.js';
import { InputError } from '../oauth/errors.js';
import { loadCommandConfig, withConfigOptions } from './config-options.js';

/** The storage options of a command (`--data`, `--database-url`), as commander parsed them. */
export type StorageFlags = Record<string, unknown>;

/** Every command that touches the database takes the same storage options as `serve`. */
export const withStorageOptions = (command: Command): Command => withConfigOptions(command, 'storage');

/** Opens the runtime for one command and always closes the storage afterwards. */
export async function withRuntime<T>(flags: StorageFlags, work: (ctx: FlexgateContext) => Promise<T>): Promise<T> {
  // Loaded on use: a command that never opens storage (login, token, --help) starts without the drivers.
  const { openRuntime } = await import('../runtime.js');
  const ctx = await openRuntime(loadCommandConfig(flags));
  try {
    return await work(ctx);
  } finally {
    await ctx.storage.close();
  }
}

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parseInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return parsed;
}

/**
 * All of standard input for `optionName` (e.g. `--password-stdin`), without one trailing newline (from `echo`,
 * not part of a password or a secret). A terminal is refused: the value must be piped in.
 */
export async function readStdin(optionName: string): Promise<string> {
  if (process.stdin.isTTY === true) {
    throw new InputError(`${optionName} reads standard input: pipe the value in, it is not typed at a terminal`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** A mistake in how a command was called: the developer commands exit 2 for it. */
export class UsageError extends Error {}

/**
 * Runs the checks of a command's arguments: a {@link UsageError} ends the command the way commander's own
 * usage errors do (`error: …` on stderr, exit `exitCode`); anything else is thrown on.
 */
export async function checkUsage<T>(command: Command, check: () => T | Promise<T>, exitCode = 2): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode, code: 'flexgate.usage' });
    throw error;
  }
}

/**
 * Checks an http(s) URL given as `option`: no user name or password, no query or fragment. Done in the action,
 * not as commander's argParser: commander repeats a refused value, and a URL may hold a password. No message
 * repeats the URL.
 */
export function checkHttpUrl(value: string, option: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} must be an http(s) URL, e.g. https://flexgate.example.com`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UsageError(`${option} must not contain a user name or password`);
  }
  if (!/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new UsageError(`${option} must be an http(s) URL without query or fragment`);
  }
  return url;
}

export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
