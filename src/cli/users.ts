import type { Command } from 'commander';
import { InputError } from '../oauth/errors.js';
import { UniqueViolationError } from '../oauth/ports.js';
import { createUser } from '../portal/domain/users.js';
import { readStdin, type StorageFlags, withRuntime, withStorageOptions } from './shared.js';

interface CreateUserFlags extends StorageFlags {
  username: string;
  password?: string;
  passwordStdin?: boolean;
  admin?: boolean;
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('manage user accounts');
  withStorageOptions(
    users
      .command('create')
      .description('create a user who can log in and authorize apps')
      .requiredOption('--username <name>', 'the login name')
      .option('--password <password>', 'the password (visible in shell history: prefer --password-stdin)')
      .option('--password-stdin', 'read the password from standard input')
      .option('--admin', 'make the user an administrator'),
  ).action(async (flags: CreateUserFlags) => {
    if ((flags.password === undefined) === (flags.passwordStdin !== true)) {
      throw new InputError('give exactly one of --password-stdin and --password');
    }
    const password = flags.passwordStdin === true ? await readStdin('--password-stdin') : (flags.password ?? '');
    await withRuntime(flags, async (ctx) => {
      try {
        const user = await createUser(ctx, { username: flags.username, password, isAdmin: flags.admin === true });
        process.stdout.write(`created user ${user.username} (${user.id})\n`);
      } catch (error) {
        if (error instanceof UniqueViolationError) throw new InputError(`the username ${flags.username} is taken`);
        throw error;
      }
    });
  });
}
