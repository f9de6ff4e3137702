#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { InputError } from '../oauth/errors.js';
import { StorageOpenError } from '../storage/errors.js';
import { registerClients } from './clients.js';
import { registerDeveloperCommands } from './developer/index.js';
import { registerKeys } from './keys.js';
import { registerPostman } from './postman.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';

const program = new Command()
  .name('flexgate')
  .description('Flexgate: OAuth 2.0 authorization server and API access platform')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerServe(program);
registerUsers(program);
registerClients(program);
registerKeys(program);
registerPostman(program);
registerDeveloperCommands(program);

/** Expected failures end with one line and exit 1; anything else is a bug and shows its stack. */
try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError || error instanceof StorageOpenError || error instanceof InputError) {
    process.stderr.write(`flexgate: ${error.message}\n`);
    process.exit(1);
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(`flexgate: cannot listen: ${(error as Error).message}\n`);
    process.exit(1);
  }
  throw error;
}
