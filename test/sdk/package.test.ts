/**
 * What `npm publish` of @flexgate/client would ship: the built entry points with their types, the README
 * and the licence; no sources, tests or snapshots.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli-process.js';

describe('the @flexgate/client package', () => {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '-w', '@flexgate/client', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as { files: { path: string }[] }[];
  const files = (packed[0]?.files ?? []).map((file) => file.path);

  it('ships both entry points with their type declarations', () => {
    for (const file of ['dist/index.js', 'dist/index.d.ts', 'dist/node.js', 'dist/node.d.ts']) {
      expect(files).toContain(file);
    }
    expect(files).toContain('dist/generated/operations.d.ts');
  });

  it('ships the README and the licence, and nothing outside dist besides them', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    expect(files.filter((file) => !file.startsWith('dist/')).length).toBe(3);
  });
});
