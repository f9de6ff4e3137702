import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { verifyPassword } from '../../src/portal/domain/sessions.js';
import { openRuntime } from '../../src/runtime.js';
import { expectOneErrorLine } from '../helpers/cli-expect.js';
import { type CliResult, createSandbox, ensureCliBuilt, runCli, type Sandbox } from '../helpers/cli-process.js';

const PASSWORD = 'correct horse battery staple';

describe('flexgate users create', () => {
  let sandbox: Sandbox;
  const users = (args: string[], input?: string): Promise<CliResult> =>
    runCli(['users', 'create', ...args, '--data', sandbox.dataDir], {
      cwd: sandbox.dir,
      ...(input === undefined ? {} : { input }),
    });

  /** Checks the password against what the CLI stored, as the login page would. */
  async function canLogIn(username: string, password: string): Promise<boolean> {
    const ctx = await openRuntime(loadConfig({ dataDir: sandbox.dataDir, logLevel: 'silent' }, {}));
    try {
      return (await verifyPassword(ctx, username, password)) !== undefined;
    } finally {
      await ctx.storage.close();
    }
  }

  beforeAll(async () => {
    await ensureCliBuilt();
    sandbox = await createSandbox();
  }, 120_000);
  afterAll(() => sandbox?.remove());

  it('creates a user from a password piped on stdin (the trailing newline is not part of it)', async () => {
    const result = await users(['--username', 'alice', '--password-stdin'], `${PASSWORD}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created user alice \([A-Za-z0-9_-]+\)\n$/);
    expect(result.stdout).not.toContain(PASSWORD);
    expect(await canLogIn('alice', PASSWORD)).toBe(true);
    expect(await canLogIn('alice', `${PASSWORD}\n`)).toBe(false);
  });

  it('refuses a short password with one line and exit 1, and creates nobody', async () => {
    const result = await users(['--username', 'bob', '--password-stdin'], 'short\n');
    expectOneErrorLine(result, /at least 12 characters/);
    expect(await canLogIn('bob', 'short')).toBe(false);
  });

  it('refuses a username that is taken with one line and exit 1', async () => {
    const result = await users(['--username', 'alice', '--password-stdin'], 'another long password\n');
    expectOneErrorLine(result, /alice.*taken/);
    // The first alice is untouched.
    expect(await canLogIn('alice', PASSWORD)).toBe(true);
  });

  it('refuses an invalid username with one line and exit 1', async () => {
    const result = await users(['--username', 'a b', '--password-stdin'], `${PASSWORD}\n`);
    expectOneErrorLine(result, /username/);
  });

  it('needs exactly one of --password and --password-stdin', async () => {
    expectOneErrorLine(await users(['--username', 'carol']), /--password-stdin/);
    expectOneErrorLine(
      await users(['--username', 'carol', '--password', PASSWORD, '--password-stdin'], `${PASSWORD}\n`),
      /--password-stdin/,
    );
  });

  it('reads an empty stdin as an empty password, which is too short', async () => {
    const result = await users(['--username', 'dave', '--password-stdin']);
    expectOneErrorLine(result, /at least 12 characters/);
  });
});
