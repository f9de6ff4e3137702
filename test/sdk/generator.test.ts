import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiCall, ApiRequest } from '../../packages/client/src/api-call.js';
import { createOperations } from '../../packages/client/src/generated/operations.js';

const run = promisify(execFile);
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const GENERATOR = root('packages/client/scripts/generate.mjs');
const SNAPSHOT = root('packages/client/openapi.json');
const TSC = root('node_modules/typescript/bin/tsc');

interface Snapshot {
  paths: Record<string, Record<string, { operationId: string }>>;
}

/** The operationIds of the snapshot, in document order. */
async function operationIds(): Promise<string[]> {
  const document = JSON.parse(await readFile(SNAPSHOT, 'utf8')) as Snapshot;
  return Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
}

describe('scripts/generate.mjs', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexgate-sdk-gen-'));
    // The package's layout: src/api-call.ts next to src/generated/.
    await mkdir(join(dir, 'src'));
    await copyFile(root('packages/client/src/api-call.ts'), join(dir, 'src/api-call.ts'));
    await run(process.execPath, [GENERATOR, '--in', SNAPSHOT, '--out', join(dir, 'src/generated')]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is deterministic: a second run writes the same files', async () => {
    const again = join(dir, 'again');
    await run(process.execPath, [GENERATOR, '--in', SNAPSHOT, '--out', again]);
    for (const file of ['types.ts', 'operations.ts']) {
      expect(await readFile(join(again, file), 'utf8')).toBe(await readFile(join(dir, 'src/generated', file), 'utf8'));
    }
  });

  it('writes code that compiles under the package compiler options, and types that reject wrong values', async () => {
    await writeFile(
      join(dir, 'src/usage.ts'),
      [
        "import type { Operations } from './generated/operations.js';",
        "import type { Contact, CreateContactBody } from './generated/types.js';",
        '',
        "export const body: CreateContactBody = { name: 'Ada', tags: ['vip'] };",
        '// @ts-expect-error: name is required',
        "export const nameless: CreateContactBody = { email: 'ada@example.com' };",
        'export async function first(api: Operations): Promise<Contact | undefined> {',
        '  const page = await api.listContacts({ query: { limit: 1 } });',
        '  return page.data[0];',
        '}',
        '',
      ].join('\n'),
    );
    const options = JSON.parse(await readFile(root('packages/client/tsconfig.json'), 'utf8')) as {
      compilerOptions: Record<string, unknown>;
    };
    await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        // The package's options, without @types/node (not installed next to the temp dir): the SDK must not need it.
        compilerOptions: { ...options.compilerOptions, types: [], noEmit: true },
        include: ['src'],
      }),
    );
    const result = await run(process.execPath, [TSC, '-p', join(dir, 'tsconfig.json')]).catch(
      (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? 'tsc failed', stderr: error.stderr }),
    );
    expect(result.stdout).toBe('');
  });

  it('has a method for every operation of the snapshot', async () => {
    const ids = await operationIds();
    expect(ids.length).toBeGreaterThan(0);
    const generated = (await import(pathToFileURL(join(dir, 'src/generated/operations.ts')).href)) as {
      createOperations: typeof createOperations;
    };
    const call = (() => Promise.reject(new Error('not called'))) as ApiCall;
    expect(Object.keys(generated.createOperations(call))).toEqual(ids);
    const source = await readFile(join(dir, 'src/generated/operations.ts'), 'utf8');
    for (const id of ids) expect(source).toMatch(new RegExp(`^  ${id}\\(.*\\): Promise<`, 'm'));
  });
});

describe('createOperations', () => {
  /** A fake ApiCall: records each request and answers with `data`. */
  function fake(data?: unknown) {
    const requests: ApiRequest[] = [];
    const call: ApiCall = <T>(request: ApiRequest) => {
      requests.push(request);
      return Promise.resolve({ status: 200, data: data as T, headers: new Headers() });
    };
    return { api: createOperations(call), requests };
  }

  it('sends a list without parameters as a bare GET', async () => {
    const { api, requests } = fake({ data: [], next: null });
    await expect(api.listContacts()).resolves.toEqual({ data: [], next: null });
    expect(requests).toStrictEqual([{ operationId: 'listContacts', method: 'GET', path: '/contacts' }]);
  });

  it('passes query parameters', async () => {
    const { api, requests } = fake({});
    await api.listContacts({ query: { limit: 10, cursor: 'abc' } });
    expect(requests).toStrictEqual([
      { operationId: 'listContacts', method: 'GET', path: '/contacts', query: { limit: 10, cursor: 'abc' } },
    ]);
  });

  it('passes path parameters and query together', async () => {
    const { api, requests } = fake({});
    await api.listCustomerNews({ path: { id: 'cus_1' }, query: { lang: 'nl' } });
    await api.getContact({ path: { id: 'ct_1' } });
    expect(requests).toStrictEqual([
      {
        operationId: 'listCustomerNews',
        method: 'GET',
        path: '/customers/{id}/news',
        pathParams: { id: 'cus_1' },
        query: { lang: 'nl' },
      },
      { operationId: 'getContact', method: 'GET', path: '/contacts/{id}', pathParams: { id: 'ct_1' } },
    ]);
  });

  it('sends the body, and the Idempotency-Key only when given', async () => {
    const contact = { id: 'ct_1', name: 'Ada' };
    const { api, requests } = fake(contact);
    await expect(api.createContact({ body: { name: 'Ada' }, idempotencyKey: 'key-1' })).resolves.toBe(contact);
    await api.createContact({ body: { name: 'Ada' } });
    expect(requests).toStrictEqual([
      {
        operationId: 'createContact',
        method: 'POST',
        path: '/contacts',
        body: { name: 'Ada' },
        idempotencyKey: 'key-1',
      },
      { operationId: 'createContact', method: 'POST', path: '/contacts', body: { name: 'Ada' } },
    ]);
  });

  it('uses each operation’s method: PATCH, PUT and DELETE', async () => {
    const { api, requests } = fake();
    await api.updateContact({ path: { id: 'ct_1' }, body: { phone: null } });
    await api.replaceContact({ path: { id: 'ct_1' }, body: { name: 'Ada' } });
    await expect(api.deleteContact({ path: { id: 'ct_1' } })).resolves.toBeUndefined();
    expect(requests.map(({ method, operationId }) => `${method} ${operationId}`)).toEqual([
      'PATCH updateContact',
      'PUT replaceContact',
      'DELETE deleteContact',
    ]);
    expect(requests[0]).toStrictEqual({
      operationId: 'updateContact',
      method: 'PATCH',
      path: '/contacts/{id}',
      pathParams: { id: 'ct_1' },
      body: { phone: null },
    });
  });
});
