/**
 * The configuration file (`--config`, FLEXGATE_CONFIG): option keys in YAML or JSON, flags over variables over
 * the file over defaults, every problem at once naming the file, and `flexgate config check`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommandConfig } from '../../src/cli/config-options.js';
import { ConfigError } from '../../src/config.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import { runCli } from '../helpers/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flexgate-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const problems = (load: () => unknown): string[] => {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message.split('\n');
  }
  throw new Error('expected a ConfigError');
};

describe('the configuration file', () => {
  it('sets options by key; a relative dataDir is relative to the file', async () => {
    const path = await file('flexgate.yaml', 'rateLimit: 5\nrateLimitWindow: 10\ndataDir: ./state\ndemo: true\n');
    const config = loadCommandConfig({ config: path }, {});
    expect(config).toMatchObject({
      rateLimit: { limit: 5, windowSeconds: 10 },
      dataDir: join(dir, 'state'),
      demo: true,
    });
  });

  it('reads JSON too, and FLEXGATE_CONFIG when there is no --config', async () => {
    const path = await file('flexgate.json', JSON.stringify({ port: 9123, issuer: 'https://auth.example.test' }));
    expect(loadCommandConfig({}, { FLEXGATE_CONFIG: path })).toMatchObject({
      port: 9123,
      core: { issuer: 'https://auth.example.test' },
    });
  });

  it('loses to the variables, which lose to the flags', async () => {
    const path = await file('precedence.yaml', 'port: 1001\nrateLimit: 1\nlogLevel: warn\n');
    const config = loadCommandConfig(
      { config: path, port: '1003' },
      { FLEXGATE_PORT: '1002', FLEXGATE_RATE_LIMIT: '2' },
    );
    expect(config).toMatchObject({ port: 1003, rateLimit: { limit: 2 }, logLevel: 'warn' });
  });

  it('reports every problem at once, each naming the file and the key', async () => {
    const path = await file('bad.yaml', 'port: high\nrateLimit: -1\ndatabaseUrl: mysql://x\n');
    const lines = problems(() => loadCommandConfig({ config: path }, {}));
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${path}: port: `)),
        expect.stringMatching(new RegExp(`^${path}: rateLimit: `)),
        expect.stringMatching(new RegExp(`^${path}: databaseUrl: must be a postgres`)),
      ]),
    );
  });

  it('refuses unknown keys by name, and says that API products are not here yet', async () => {
    const path = await file('unknown.yaml', 'colour: blue\napis: []\n');
    const lines = problems(() => loadCommandConfig({ config: path }, {}));
    expect(lines).toEqual([
      expect.stringMatching(/unknown.yaml: unknown key colour \(the keys are the option keys: port, host/),
      `${path}: apis: API products are not supported by this version of Flexgate yet`,
    ]);
  });

  it('names the line of a syntax error, and a file that cannot be read', async () => {
    const path = await file('broken.yaml', 'port: 1\n  rateLimit: [\n');
    expect(problems(() => loadCommandConfig({ config: path }, {}))[0]).toMatch(/broken.yaml: line \d+: /);
    expect(problems(() => loadCommandConfig({ config: join(dir, 'missing.yaml') }, {}))[0]).toMatch(
      /missing.yaml: cannot read the configuration file: ENOENT/,
    );
  });
});

describe('flexgate config check', () => {
  it('says ok for a good file and exits 0', async () => {
    const path = await file('good.yaml', 'rateLimit: 100\n');
    const result = await runCliInProcess(['config', 'check', '--config', path]);
    expect(result).toMatchObject({ code: 0, stdout: `${path}: ok\n`, stderr: '' });
  });

  it('prints one line per problem and exits 1 (the binary)', async () => {
    const path = await file('check-bad.yaml', 'port: x\ncodeTtl: 1\n');
    const result = await runCli(['config', 'check', '--config', path]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.startsWith(`flexgate: ${path}: `))).toBe(true);
  });

  it('is read by openapi and postman for the issuer', async () => {
    const path = await file('docs.yaml', 'issuer: https://api.example.test\n');
    const result = await runCliInProcess(['openapi', '--config', path]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).servers[0].url).toMatch(/^https:\/\/api\.example\.test\//);
  });

  it('is read by the storage commands too: clients create puts the database where the file says', async () => {
    const path = await file('storage.yaml', 'dataDir: ./from-file\n');
    const created = await runCliInProcess([
      'clients',
      'create',
      '--name',
      'x',
      '--grant-type',
      'client_credentials',
      '--json',
      '--config',
      path,
    ]);
    expect(created.code).toBe(0);
    const listed = await runCliInProcess(['clients', 'list', '--json', '--data', join(dir, 'from-file')]);
    expect(JSON.parse(listed.stdout)).toHaveLength(1);
  });
});
