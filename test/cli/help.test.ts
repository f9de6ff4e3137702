import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, runCli } from '../helpers/cli-process.js';

beforeAll(ensureCliBuilt, 120_000);

const STORAGE_OPTIONS = ['--data <dir>', '--database-url <url>'];

const COMMANDS: { command: string[]; lists: string[] }[] = [
  {
    command: [],
    lists: [
      'Usage: flexgate',
      '--version',
      '--help',
      'serve',
      'config',
      'users',
      'clients',
      'keys',
      'postman',
      'openapi',
    ],
  },
  {
    command: ['serve'],
    lists: [
      'Usage: flexgate serve',
      '--port <port>',
      '--host <host>',
      '--issuer <url>',
      '--demo',
      '--log-level <level>',
      '--redis-url <url>',
      '--rate-limit <n>',
      '--rate-limit-window <seconds>',
      ...STORAGE_OPTIONS,
    ],
  },
  { command: ['postman'], lists: ['Usage: flexgate postman', '--base-url <url>'] },
  { command: ['config'], lists: ['Usage: flexgate config', 'check'] },
  {
    command: ['config', 'check'],
    lists: ['Usage: flexgate config check', '--config <file>', 'FLEXGATE_CONFIG', '--port <port>', ...STORAGE_OPTIONS],
  },
  { command: ['users'], lists: ['Usage: flexgate users', 'create'] },
  {
    command: ['users', 'create'],
    lists: [
      'Usage: flexgate users create',
      '--username <name>',
      '--password <password>',
      '--password-stdin',
      '--admin',
      ...STORAGE_OPTIONS,
    ],
  },
  { command: ['clients'], lists: ['Usage: flexgate clients', 'create', 'list', 'show', 'rotate-secret', 'delete'] },
  {
    command: ['clients', 'create'],
    lists: [
      'Usage: flexgate clients create',
      '--name <name>',
      '--redirect-uri <uri>',
      '--scope <scope>',
      '--grant-type <type>',
      '--public',
      '--environment <env>',
      '--json',
      ...STORAGE_OPTIONS,
    ],
  },
  { command: ['clients', 'list'], lists: ['Usage: flexgate clients list', '--json', ...STORAGE_OPTIONS] },
  {
    command: ['clients', 'show'],
    lists: ['Usage: flexgate clients show', '<client_id>', '--json', ...STORAGE_OPTIONS],
  },
  {
    command: ['clients', 'rotate-secret'],
    lists: ['Usage: flexgate clients rotate-secret', '<client_id>', '--grace <seconds>', '--json', ...STORAGE_OPTIONS],
  },
  { command: ['clients', 'delete'], lists: ['Usage: flexgate clients delete', '<client_id>', ...STORAGE_OPTIONS] },
  { command: ['keys'], lists: ['Usage: flexgate keys', 'rotate'] },
  { command: ['keys', 'rotate'], lists: ['Usage: flexgate keys rotate', ...STORAGE_OPTIONS] },
  {
    command: ['login'],
    lists: [
      'Usage: flexgate login',
      '--base-url <url>',
      '--client-id <id>',
      '--scope <scopes>',
      '--profile <name>',
      '--no-browser',
      '--timeout <seconds>',
      '--client-credentials',
      '--client-secret-stdin',
      'http://127.0.0.1/callback',
    ],
  },
  { command: ['token'], lists: ['Usage: flexgate token', '--profile <name>'] },
  {
    command: ['api'],
    lists: [
      'Usage: flexgate api',
      '<method>',
      '<path>',
      '--data <json>',
      '--idempotency-key <key>',
      '--profile <name>',
    ],
  },
];

describe.concurrent('--help', () => {
  const cases = COMMANDS.map((entry) => ({ ...entry, name: ['flexgate', ...entry.command, '--help'].join(' ') }));
  it.each(cases)('$name lists its options and commands, and exits 0', async ({ command, lists }) => {
    const result = await runCli([...command, '--help']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const text of lists) expect(result.stdout).toContain(text);
  });

  it('flexgate --version prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
