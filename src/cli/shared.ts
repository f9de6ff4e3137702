import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ConfigInput, loadConfig } from '../config.js';
import type { CoreContext } from '../core/context.js';
import { openRuntime } from '../runtime.js';

export interface StorageFlags {
  data?: string;
  databaseUrl?: string;
}

/** Every command that touches the database takes the same two options as `serve`. */
export function withStorageOptions(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'data folder of the embedded SQLite database').env('FLEXGATE_DATA_DIR'))
    .addOption(
      new Option('--database-url <url>', 'postgres:// URL (selects PostgreSQL instead of SQLite)').env(
        'FLEXGATE_DATABASE_URL',
      ),
    );
}

export function configFlags(flags: StorageFlags): Partial<ConfigInput> {
  return { dataDir: flags.data, databaseUrl: flags.databaseUrl };
}

/** Opens the runtime for one command and always closes the storage afterwards. */
export async function withRuntime<T>(flags: StorageFlags, work: (ctx: CoreContext) => Promise<T>): Promise<T> {
  const ctx = await openRuntime(loadConfig(configFlags(flags)));
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

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new Error('--password-stdin expects the password on standard input (pipe it in)');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // A trailing newline from `echo` is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const printJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
