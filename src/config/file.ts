import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { OPTIONS } from './options.js';

/** A configuration file's option values by key, and where they came from (for messages). */
export interface ConfigFile {
  /** The path as given (messages name it so). */
  path: string;
  values: Record<string, unknown>;
}

/**
 * Reads `flexgate.yaml` (YAML or JSON: YAML reads both). Its top-level keys are the option keys; a relative
 * `dataDir` is relative to the file. Every problem is reported at once, one line each naming the file.
 */
export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${path}: cannot read the configuration file: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (document.errors.length > 0) {
    const lineOf = (offset: number) => lines.linePos(offset).line;
    throw new ConfigError(
      document.errors.map((error) => `${path}: line ${lineOf(error.pos[0])}: ${firstLine(error.message)}`).join('\n'),
    );
  }
  const root: unknown = document.toJS();
  if (root === null || root === undefined) return { path, values: {} };
  if (typeof root !== 'object' || Array.isArray(root)) {
    throw new ConfigError(`${path}: the configuration must be a mapping of option keys to values`);
  }
  const values = root as Record<string, unknown>;
  const unknown = Object.keys(values).filter((key) => !Object.hasOwn(OPTIONS, key));
  if (unknown.length > 0) throw new ConfigError(unknown.map((key) => `${path}: ${unknownKey(key)}`).join('\n'));
  const dataDir = values.dataDir;
  if (typeof dataDir === 'string' && dataDir !== '' && !isAbsolute(dataDir)) {
    values.dataDir = resolve(dirname(path), dataDir);
  }
  return { path, values };
}

const unknownKey = (key: string) =>
  key === 'apis'
    ? 'apis: API products are not supported by this version of Flexgate yet'
    : `unknown key ${key} (the keys are the option keys: ${Object.keys(OPTIONS).join(', ')})`;

const firstLine = (text: string) => text.split('\n')[0] ?? text;
