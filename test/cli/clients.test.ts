import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { registerClient } from '../../src/oauth/clients.js';
import { openRuntime } from '../../src/runtime.js';
import { expectOneErrorLine } from '../helpers/cli-expect.js';
import { runCliInProcess } from '../helpers/cli-in-process.js';
import {
  type CliResult,
  createSandbox,
  ensureCliBuilt,
  parseJson,
  runCli,
  type Sandbox,
} from '../helpers/cli-process.js';

interface ClientJson {
  client_id: string;
  client_secret?: string;
  name: string;
  environment: string;
  public: boolean;
  redirect_uris: string[];
  scopes: string[];
  grant_types: string[];
  created_at: string;
}

describe('flexgate clients', () => {
  let sandbox: Sandbox;
  // In-process (commander parses the binary's program); one test below runs the binary for its exit code.
  const clients = (...args: string[]): Promise<CliResult> =>
    runCliInProcess(['clients', ...args, '--data', sandbox.dataDir]);
  const list = async () => parseJson<ClientJson[]>(await clients('list', '--json'));

  beforeAll(async () => {
    await ensureCliBuilt();
    sandbox = await createSandbox();
  }, 120_000);
  afterAll(() => sandbox?.remove());

  let created: ClientJson;

  it('create --json prints the client with its secret', async () => {
    const result = await clients(
      'create',
      '--name',
      'x',
      '--redirect-uri',
      'https://a.example/cb',
      '--scope',
      'read:contacts',
      '--json',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    created = parseJson<ClientJson>(result);
    expect(created).toMatchObject({
      name: 'x',
      environment: 'sandbox',
      public: false,
      redirect_uris: ['https://a.example/cb'],
      scopes: ['read:contacts'],
    });
    expect(created.client_id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]+$/);
    expect(created.client_secret).toMatch(/^fgs_[A-Za-z0-9_-]{40,}$/);
    expect(created.grant_types).toContain('authorization_code');
    expect(Number.isNaN(Date.parse(created.created_at))).toBe(false);
    // Nothing secret-derived is ever printed.
    expect(result.stdout).not.toMatch(/hash/i);
  });

  it('create without --json prints the secret once, with a warning to store it', async () => {
    const result = await clients('create', '--name', 'plain', '--grant-type', 'client_credentials');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/client_secret +fgs_/);
    expect(result.stdout).toContain('shown this once');
  });

  it('creates a public client without a secret', async () => {
    const result = await clients(
      'create',
      '--name',
      'spa',
      '--public',
      '--redirect-uri',
      'http://localhost:3000/cb',
      '--json',
    );
    expect(result.code).toBe(0);
    const spa = parseJson<ClientJson>(result);
    expect(spa.public).toBe(true);
    expect(spa.client_secret).toBeUndefined();
    expect(spa.grant_types).not.toContain('client_credentials');
  });

  describe.concurrent('refuses bad input with one line and exit 1', () => {
    it.each([
      {
        why: 'an http redirect URI to another host',
        args: ['--redirect-uri', 'http://example.com/cb'],
        pattern: /http:\/\/example\.com\/cb.*https/,
      },
      {
        why: 'a redirect URI with a fragment',
        args: ['--redirect-uri', 'https://a.example/cb#frag'],
        pattern: /#frag.*fragment/,
      },
      { why: 'a relative redirect URI', args: ['--redirect-uri', '/cb'], pattern: /\/cb.*absolute/ },
      {
        why: 'an unknown scope',
        args: ['--redirect-uri', 'https://a.example/cb', '--scope', 'read:everything'],
        pattern: /Unknown scope read:everything/,
      },
      {
        why: 'authorization_code without a redirect URI',
        args: ['--grant-type', 'authorization_code'],
        pattern: /redirect URI/,
      },
      {
        why: 'a public client with client_credentials',
        args: ['--public', '--grant-type', 'client_credentials'],
        pattern: /public client/,
      },
    ])('$why', async ({ args, pattern }) => {
      expectOneErrorLine(await clients('create', '--name', 'bad', ...args), pattern);
    });
  });

  it('the binary itself exits 1 with the one line for a refused client', async () => {
    const result = await runCli(
      ['clients', 'create', '--name', 'bad', '--redirect-uri', '/cb', '--data', sandbox.dataDir],
      {
        cwd: sandbox.dir,
      },
    );
    expectOneErrorLine(result, /\/cb.*absolute/);
  });

  it('stored none of the refused clients', async () => {
    const names = (await list()).map((client) => client.name).sort();
    expect(names).toEqual(['plain', 'spa', 'x']);
  });

  it('list --json lists every client, without secrets', async () => {
    const all = await list();
    const x = all.find((client) => client.client_id === created.client_id);
    const { client_secret: _secret, ...withoutSecret } = created;
    expect(x).toEqual(withoutSecret);
    for (const client of all) expect(client).not.toHaveProperty('client_secret');
  });

  it('show --json shows one client, without its secret', async () => {
    const result = await clients('show', created.client_id, '--json');
    expect(result.code).toBe(0);
    const { client_secret: _secret, ...withoutSecret } = created;
    expect(parseJson<ClientJson>(result)).toEqual(withoutSecret);
    expect(result.stdout).not.toContain(created.client_secret);
  });

  it('show, rotate-secret and delete of an unknown client fail with one line and exit 1', async () => {
    const [show, rotate, remove] = await Promise.all([
      clients('show', 'no-such-client'),
      clients('rotate-secret', 'no-such-client'),
      clients('delete', 'no-such-client'),
    ]);
    expectOneErrorLine(show, /no client with id no-such-client/i);
    expectOneErrorLine(rotate, /no client with id no-such-client/i);
    expectOneErrorLine(remove, /no client with id no-such-client/i);
  });

  it('rotate-secret --json prints a new secret', async () => {
    const result = await clients('rotate-secret', created.client_id, '--json');
    expect(result.code).toBe(0);
    const rotated = parseJson<{ client_id: string; client_secret: string }>(result);
    expect(rotated.client_id).toBe(created.client_id);
    expect(rotated.client_secret).toMatch(/^fgs_/);
    expect(rotated.client_secret).not.toBe(created.client_secret);
  });

  it('delete removes the client', async () => {
    const result = await clients('delete', created.client_id);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(created.client_id);
    expect((await list()).map((client) => client.client_id)).not.toContain(created.client_id);
    expectOneErrorLine(await clients('show', created.client_id), /no client/i);
  });

  it('never issues a client id starting with "-", which the CLI would read as an option', async () => {
    // base64url draws a leading "-" for 1 id in 64; force it.
    const ctx = await openRuntime(loadConfig({ dataDir: sandbox.dataDir, logLevel: 'silent' }, {}));
    let clientId: string;
    try {
      const dashFirst = { token: (bytes: number) => `-${'A'.repeat(Math.ceil((bytes * 4) / 3) - 1)}` };
      const { client } = await registerClient(
        { ...ctx, random: dashFirst },
        { name: 'dash', grantTypes: ['client_credentials'] },
      );
      clientId = client.id;
    } finally {
      await ctx.storage.close();
    }
    expect(clientId.startsWith('-')).toBe(false);
    const shown = await clients('show', clientId, '--json');
    expect(shown.stderr).toBe('');
    expect(parseJson<ClientJson>(shown).client_id).toBe(clientId);
  });
});
