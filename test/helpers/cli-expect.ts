import { expect } from 'vitest';
import type { CliResult } from './cli-process.js';

/**
 * An expected failure: exit code 1 and exactly one line on stderr, starting "flexgate: " and matching
 * `pattern` (no stack trace, no usage dump).
 */
export function expectOneErrorLine(result: CliResult, pattern: RegExp): void {
  const context = `stderr: ${JSON.stringify(result.stderr)}\nstdout: ${JSON.stringify(result.stdout)}`;
  expect(result.code, context).toBe(1);
  expect(result.stderr, context).toMatch(/^flexgate: [^\n]+\n$/);
  expect(result.stderr, context).toMatch(pattern);
}
