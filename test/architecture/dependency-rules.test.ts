/**
 * The import rules of .dependency-cruiser.cjs fail when broken: each rule is run on a forbidden import in a
 * temporary tree (never by editing src/), and a tree that keeps the rules passes.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const HOOK = join(ROOT, 'scripts/depcruise-typescript.mjs');
const BIN = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

const trees: string[] = [];
afterAll(async () => {
  await Promise.all(trees.map((tree) => rm(tree, { recursive: true, force: true })));
});

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'flexgate-deps-'));
  trees.push(dir);
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const all: Record<string, string> = {
    'package.json': '{"type":"module"}',
    'packages/.keep.ts': 'export {};\n',
    'tsconfig.json': JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', jsx: 'react-jsx', strict: true },
    }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

function cruise(dir: string): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    ['--import', HOOK, BIN, '--config', CONFIG, '--output-type', 'err', 'src', 'packages'],
    { cwd: dir, encoding: 'utf8' },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const FORBIDDEN: Array<{ rule: string; files: Record<string, string>; from: string; to: string }> = [
  {
    rule: 'oauth-imports-only-itself',
    files: { 'src/oauth/grant.ts': "import '../http/app.js';\n", 'src/http/app.ts': 'export {};\n' },
    from: 'src/oauth/grant.ts',
    to: 'src/http/app.ts',
  },
  {
    rule: 'oauth-imports-only-itself',
    files: { 'src/oauth/cache.ts': "import type { Redis } from 'ioredis';\nexport type R = Redis;\n" },
    from: 'src/oauth/cache.ts',
    to: 'ioredis',
  },
  {
    rule: 'oauth-imports-only-itself',
    files: { 'src/oauth/ports.ts': "import '../adapters/argon2.js';\n", 'src/adapters/argon2.ts': 'export {};\n' },
    from: 'src/oauth/ports.ts',
    to: 'src/adapters/argon2.ts',
  },
  {
    rule: 'storage-imports-no-http',
    files: { 'src/storage/users.ts': "import '../http/errors.js';\n", 'src/http/errors.ts': 'export {};\n' },
    from: 'src/storage/users.ts',
    to: 'src/http/errors.ts',
  },
  {
    rule: 'pages-render-what-they-are-given',
    files: {
      'src/portal/pages/home.tsx': "import '../../storage/open.js';\nexport const page = () => <p>hi</p>;\n",
      'src/storage/open.ts': 'export {};\n',
    },
    from: 'src/portal/pages/home.tsx',
    to: 'src/storage/open.ts',
  },
  {
    rule: 'pages-use-services-for-types-only',
    files: {
      'src/portal/pages/apps.tsx':
        "import { listMyApps } from '../domain/apps.js';\nexport const page = () => <p>{String(listMyApps)}</p>;\n",
      'src/portal/domain/apps.ts': 'export const listMyApps = () => [];\n',
    },
    from: 'src/portal/pages/apps.tsx',
    to: 'src/portal/domain/apps.ts',
  },
  {
    rule: 'sdk-imports-nothing-of-the-server',
    files: {
      'packages/client/src/client.ts': "import '../../../src/oauth/scopes.js';\n",
      'src/oauth/scopes.ts': 'export {};\n',
    },
    from: 'packages/client/src/client.ts',
    to: 'src/oauth/scopes.ts',
  },
  {
    rule: 'products-do-not-import-each-other',
    files: {
      'src/portal/routes/apps.ts': "import '../../apis/pipeline.js';\n",
      'src/apis/pipeline.ts': 'export {};\n',
    },
    from: 'src/portal/routes/apps.ts',
    to: 'src/apis/pipeline.ts',
  },
  {
    rule: 'apis-do-not-import-the-portal',
    files: { 'src/apis/pipeline.ts': "import '../portal/session.js';\n", 'src/portal/session.ts': 'export {};\n' },
    from: 'src/apis/pipeline.ts',
    to: 'src/portal/session.ts',
  },
  {
    rule: 'domain-imports-no-framework',
    files: {
      'src/portal/domain/apps.ts': "import type { FastifyRequest } from 'fastify';\nexport type R = FastifyRequest;\n",
    },
    from: 'src/portal/domain/apps.ts',
    to: 'node_modules/fastify',
  },
  {
    rule: 'no-circular',
    files: {
      'src/demo/a.ts': "import type { B } from './b.js';\nexport type A = { b: B };\n",
      'src/demo/b.ts': "import type { A } from './a.js';\nexport type B = { a?: A };\n",
    },
    from: 'src/demo/a.ts',
    to: 'src/demo/b.ts',
  },
];

describe('the dependency rules', () => {
  it('pass a tree that keeps them', async () => {
    const dir = await tree({
      'src/oauth/grant.ts':
        "import { createHash } from 'node:crypto';\nimport './scopes.js';\nexport const h = createHash;\n",
      'src/oauth/scopes.ts': 'export {};\n',
      'src/storage/users.ts': "import type { H } from '../oauth/types.js';\nexport type U = H;\n",
      'src/oauth/types.ts': 'export type H = string;\n',
      'src/portal/pages/home.tsx':
        "import type { H } from '../../oauth/types.js';\nimport type { App } from '../domain/apps.js';\n" +
        'export const page = (h: H, app: App) => <p>{h}{app.name}</p>;\n',
      'src/portal/domain/apps.ts': 'export interface App { name: string }\nexport const listMyApps = () => [];\n',
    });
    const { status, output } = cruise(dir);
    expect(output).not.toMatch(/error/);
    expect(status).toBe(0);
  });

  for (const { rule, files, from, to } of FORBIDDEN) {
    it(`${rule} refuses ${from} → ${to}`, async () => {
      const { status, output } = cruise(await tree(files));
      expect(status).not.toBe(0);
      expect(output).toContain(rule);
      expect(output).toContain(from);
      expect(output).toContain(to);
    });
  }

  it('cover every rule of the configuration with a forbidden case', async () => {
    const { createRequire } = await import('node:module');
    const config = createRequire(import.meta.url)(CONFIG) as { forbidden: Array<{ name: string }> };
    const proven = new Set(FORBIDDEN.map((example) => example.rule));
    expect(config.forbidden.map((rule) => rule.name).filter((name) => !proven.has(name))).toEqual([]);
  });
});
