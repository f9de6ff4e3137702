import type { Command } from 'commander';
import { configFileOf, loadCommandConfig, withConfigOptions } from './config-options.js';

/** `flexgate config check`: validates the configuration (file, variables, flags) without starting anything. */
export function registerConfig(program: Command): void {
  const config = program.command('config').description('work with the configuration file');
  withConfigOptions(
    config
      .command('check')
      .description(
        'validate the configuration (--config or FLEXGATE_CONFIG, the FLEXGATE_* variables, flags); exit 1 on any problem',
      ),
    'all',
  ).action((flags: Record<string, unknown>) => {
    const file = configFileOf(flags);
    loadCommandConfig(flags);
    process.stdout.write(`${file === undefined ? 'configuration' : file.path}: ok\n`);
  });
}
