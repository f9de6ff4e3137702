import { type Command, Option } from 'commander';
import { type ConfigFile, readConfigFile } from '../config/file.js';
import { OPTION_LIST, type OptionSpec } from '../config/options.js';
import { type Config, type ConfigInput, loadConfig } from '../config.js';

/**
 * Commander options generated from the option table: `serve` takes every option, the other commands the
 * storage options. The variables are read by config.ts (flags win over them), so commander gets no `.env()`:
 * it would read FLEXGATE_DEMO=false as true.
 */
function commanderOption(spec: OptionSpec): Option {
  return new Option(spec.flag, `${spec.help} [${spec.env}]`);
}

/** `--config <file>`: every command that reads the server's configuration takes it. */
export const configFileOption = (): Option =>
  new Option(
    '--config <file>',
    'configuration file (YAML or JSON) with option keys; flags and variables win [FLEXGATE_CONFIG]',
  );

export function withConfigOptions(command: Command, which: 'all' | 'storage'): Command {
  command.addOption(configFileOption());
  for (const spec of OPTION_LIST) {
    if (which === 'all' || spec.storage === true) command.addOption(commanderOption(spec));
  }
  return command;
}

/** The configuration file of a command: `--config`, else FLEXGATE_CONFIG, else none. */
export function configFileOf(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): ConfigFile | undefined {
  const path = typeof flags.config === 'string' ? flags.config : env.FLEXGATE_CONFIG;
  return path === undefined || path === '' ? undefined : readConfigFile(path);
}

/** A command's configuration: its flags over the environment over its configuration file over the defaults. */
export const loadCommandConfig = (flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config =>
  loadConfig(configInputFrom(flags), env, configFileOf(flags, env));

/** The table's options among a command's parsed flags, by key. */
export function configInputFrom(flags: Record<string, unknown>): ConfigInput {
  const input: Record<string, unknown> = {};
  for (const spec of OPTION_LIST) {
    const value = flags[commanderOption(spec).attributeName()];
    if (value !== undefined) input[spec.key] = value;
  }
  return input as ConfigInput;
}
