/**
 * The SDK's public API is documented: every exported declaration in its hand-written sources has a TSDoc
 * comment right above it (the generated operations carry the OpenAPI summaries, checked by the generator).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli-process.js';

const SOURCES = join(REPO_ROOT, 'packages', 'client', 'src');
const DECLARATION = /^export (?:async )?(?:function|class|abstract class|interface|type|const|let|enum) (\w+)/;

function undocumentedExports(file: string): string[] {
  const lines = readFileSync(join(SOURCES, file), 'utf8').split('\n');
  const missing: string[] = [];
  lines.forEach((line, index) => {
    const name = DECLARATION.exec(line)?.[1];
    if (name === undefined) return;
    const previous = lines
      .slice(0, index)
      .reverse()
      .find((candidate) => candidate.trim() !== '');
    if (previous === undefined || !previous.trim().endsWith('*/')) missing.push(`${file}: ${name}`);
  });
  return missing;
}

describe('the SDK documents every export', () => {
  const files = readdirSync(SOURCES).filter((file) => file.endsWith('.ts'));

  it('finds the sources', () => {
    expect(files).toContain('client.ts');
  });

  it.each(files)('%s', (file) => {
    expect(undocumentedExports(file)).toEqual([]);
  });
});
