import { type Command, Option } from 'commander';
import { OPTION_LIST, type OptionSpec } from '../config/options.js';
import type { ConfigInput } from '../config.js';

/**
 * Commander options generated from the option table: `serve` takes every option, the other commands the
 * storage options. The variables are read by config.ts (flags win over them), so commander gets no `.env()`:
 * it would read FLEXGATE_DEMO=false as true.
 */
function commanderOption(spec: OptionSpec): Option {
  return new Option(spec.flag, `${spec.help} [${spec.env}]`);
}

export function withConfigOptions(command: Command, which: 'all' | 'storage'): Command {
  for (const spec of OPTION_LIST) {
    if (which === 'all' || spec.storage === true) command.addOption(commanderOption(spec));
  }
  return command;
}

/** The table's options among a command's parsed flags, by key. */
export function configInputFrom(flags: Record<string, unknown>): ConfigInput {
  const input: Record<string, unknown> = {};
  for (const spec of OPTION_LIST) {
    const value = flags[commanderOption(spec).attributeName()];
    if (value !== undefined) input[spec.key] = value;
  }
  return input as ConfigInput;
}
