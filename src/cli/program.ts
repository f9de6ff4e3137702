import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { InputError } from '../oauth/errors.js';
import { StorageOpenError } from '../storage/errors.js';
import { registerClients } from './clients.js';
import { registerConfig } from './config.js';
import { registerDeveloperCommands } from './developer/index.js';
import { registerKeys } from './keys.js';
import { registerPostman } from './postman.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';

/** The `flexgate` command and all its subcommands. */
export function buildProgram(): Command {
  const program = new Command()
    .name('flexgate')
    .description('Flexgate: OAuth 2.0 authorization server and API access platform')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerConfig(program);
  registerUsers(program);
  registerClients(program);
  registerKeys(program);
  registerPostman(program);
  registerDeveloperCommands(program);
  return program;
}

/**
 * Runs `flexgate <args>` and returns its exit code. Expected failures print one line (`flexgate: …`) and give
 * 1 (commander's usage errors their own code); anything else is a bug and is thrown, to show its stack.
 */
export async function runFlexgate(args: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...args], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError || error instanceof StorageOpenError || error instanceof InputError) {
      process.stderr.write(
        `${error.message
          .split('\n')
          .map((line) => `flexgate: ${line}`)
          .join('\n')}\n`,
      );
      return 1;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      process.stderr.write(`flexgate: cannot listen: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
