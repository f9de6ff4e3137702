/**
 * The developer commands against a real server: `flexgate login` (client credentials with the secret on
 * stdin, and the authorization-code flow through a loopback listener), `flexgate token` and `flexgate api`.
 * Each test file gets its own FLEXGATE_CONFIG_DIR, so no real profile is ever touched.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oneLine } from '../../src/cli/developer/terminal.js';
import { ProfileTokenStore } from '../../src/cli/developer/token-store.js';
import { authorize, type Browser } from '../helpers/browser-flow.js';
import {
  type CliResult,
  cleanEnv,
  ensureCliBuilt,
  killLeftoverChildren,
  runCli,
  startCli,
} from '../helpers/cli-process.js';
import { loggedInBrowser, TEST_PASSWORD } from '../helpers/e2e.js';
import { jwtPayload } from '../helpers/oauth-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

let server: TestServer;
let configDir: string;

beforeAll(async () => {
  await ensureCliBuilt();
  server = await startTestServer();
  configDir = await mkdtemp(join(tmpdir(), 'flexgate-config-'));
}, 120_000);
afterAll(async () => {
  killLeftoverChildren();
  await server?.close();
  await rm(configDir, { recursive: true, force: true });
});

const env = () => ({ FLEXGATE_CONFIG_DIR: configDir });
const cli = (args: string[], input?: string): Promise<CliResult> =>
  runCli(args, { env: env(), ...(input === undefined ? {} : { input }) });
const profileFile = (name: string) => join(configDir, 'profiles', `${name}.json`);

interface ProfileJson {
  baseUrl: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  tokens?: { accessToken: string; refreshToken?: string; expiresAt: number; tokenType: string };
}
/** A port nothing listens on: one the system handed out, then closed again. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
const readProfile = async (name: string) => JSON.parse(await readFile(profileFile(name), 'utf8')) as ProfileJson;

describe('client credentials: login → token → api', () => {
  let clientId: string;
  let secret: string;
  const outputs: string[] = [];
  const run = async (args: string[], input?: string) => {
    const result = await cli(args, input);
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  beforeAll(async () => {
    const created = await server.createClient({ name: 'CI job', grantTypes: ['client_credentials'] });
    clientId = created.clientId;
    secret = created.clientSecret ?? '';
  });

  it('login reads the secret from stdin, proves it with a first token and saves the profile (0600 in 0700)', async () => {
    const result = await run(
      ['login', '--client-credentials', '--base-url', server.baseUrl, '--client-id', clientId, '--client-secret-stdin'],
      `${secret}\n`,
    );
    expect(result.stderr).toContain('saved profile "default"');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect((await stat(profileFile('default'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(configDir, 'profiles'))).mode & 0o777).toBe(0o700);
    const profile = await readProfile('default');
    expect(profile).toMatchObject({ baseUrl: server.baseUrl, clientId, clientSecret: secret });
    expect(profile.tokens?.accessToken).toMatch(JWT);
  });

  it('token prints only a JWT of the client on stdout', async () => {
    const result = await run(['token']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(jwtPayload(result.stdout.trim()).client_id ?? jwtPayload(result.stdout.trim()).sub).toBe(clientId);
  });

  it('api GET /me prints the JSON answer with the client id', async () => {
    const result = await run(['api', 'GET', '/me']);
    expect(result.code, result.stderr).toBe(0);
    const me = JSON.parse(result.stdout) as { client_id: string; user: unknown };
    expect(me.client_id).toBe(clientId);
    expect(me.user).toBeNull();
    expect(result.stdout).toContain('\n  "client_id"'); // pretty-printed
  });

  it('api POST /contacts with --data creates a contact (201 JSON), and --idempotency-key repeats it', async () => {
    const args = ['api', 'POST', '/contacts', '--data', '{"name":"Ada"}', '--idempotency-key', 'cli-test-key-1'];
    const first = await run(args);
    expect(first.code, first.stderr).toBe(0);
    const contact = JSON.parse(first.stdout) as { id: string; name: string };
    expect(contact.name).toBe('Ada');
    const again = await run(args);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { id: string }).id).toBe(contact.id);

    const got = await run(['api', 'get', `/contacts/${contact.id}`]);
    expect(got.code, got.stderr).toBe(0);
    expect((JSON.parse(got.stdout) as { name: string }).name).toBe('Ada');
  });

  it('--data @file reads the body from a file, and the query string of PATH becomes the query', async () => {
    const file = join(configDir, 'contact.json');
    await writeFile(file, '{"name":"Grace"}');
    const created = await run(['api', 'POST', '/contacts', '--data', `@${file}`]);
    expect(created.code, created.stderr).toBe(0);
    const listed = await run(['api', 'GET', '/contacts?limit=1']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { data: unknown[] }).data).toHaveLength(1);
  });

  it('a validation error exits 1 with each field and its message on one line', async () => {
    const result = await run(['api', 'POST', '/contacts', '--data', '{"name":""}']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^flexgate: invalid request \(400\): name: Is required and may not be blank\.\n$/);
  });

  it('an API error exits 1 with the API message on one line', async () => {
    const result = await run(['api', 'GET', '/contacts/ct_doesnotexist']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^flexgate: .*\(404 not_found/);
  });

  it('--data that is not JSON, or a method that does not exist, is a usage error: exit 2', async () => {
    const bad = await run(['api', 'POST', '/contacts', '--data', '{name:"s3cr3t-value"}']);
    expect(bad.code).toBe(2);
    // Only the position: V8's message would quote the input.
    expect(bad.stderr).toMatch(/^error: --data is not valid JSON \(at position 1\)\n/);
    expect(bad.stderr).not.toContain('s3cr3t');
    const cut = await run(['api', 'POST', '/contacts', '--data', '{"name":"s3cr3t']);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/^error: --data is not valid JSON \(at position \d+\)\n/);
    expect(cut.stderr).not.toContain('s3cr3t');
    const method = await run(['api', 'FETCH', '/me']);
    expect(method.code).toBe(2);
    expect(method.stderr).toContain('METHOD must be one of GET, POST, PUT, PATCH, DELETE');
    const path = await run(['api', 'GET', 'me']);
    expect(path.code).toBe(2);
    const missing = await run(['api', 'GET']);
    expect(missing.code).toBe(2);
  });

  it('a wrong secret is refused at login and no profile is written', async () => {
    const result = await run(
      [
        'login',
        '--client-credentials',
        '--base-url',
        server.baseUrl,
        '--client-id',
        clientId,
        '--client-secret-stdin',
        '--profile',
        'wrong',
      ],
      'fgs_not-the-secret\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flexgate: the server refused the client credentials/);
    await expect(stat(profileFile('wrong'))).rejects.toThrow(/ENOENT/);
  });

  it('--client-credentials without --client-secret-stdin is a usage error: exit 2 (a secret never comes from argv)', async () => {
    const result = await run(['login', '--client-credentials', '--base-url', server.baseUrl, '--client-id', clientId]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --client-credentials needs --client-secret-stdin/);
    const argv = await run(['login', '--client-secret', secret, '--base-url', server.baseUrl, '--client-id', clientId]);
    expect(argv.code).toBe(2);
  });

  it('a missing profile is a one-line error that says to log in', async () => {
    const result = await run(['token', '--profile', 'nobody']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flexgate: no profile "nobody" .*run flexgate login first\n$/);
  });

  it('a profile that other users can read (0644) is refused with a one-line hint to chmod 600', async () => {
    await writeFile(profileFile('loose'), await readFile(profileFile('default'), 'utf8'), { mode: 0o600 });
    await chmod(profileFile('loose'), 0o644);
    const result = await run(['token', '--profile', 'loose']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^flexgate: the profile \S+loose\.json is accessible to other users \(mode 0644\): run chmod 600 \S+\n$/,
    );
    await chmod(profileFile('loose'), 0o600);
    expect((await run(['token', '--profile', 'loose'])).code).toBe(0);
  });

  it('a config folder that is a symbolic link is refused', async () => {
    const link = join(configDir, 'linked-config');
    await symlink(configDir, link);
    const result = await runCli(['token'], { env: { FLEXGATE_CONFIG_DIR: link } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flexgate: the folder \S+linked-config is a symbolic link/);
  });

  it('the secret never appears in any output', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const output of outputs) expect(output).not.toContain(secret);
  });
});

/** `flexgate login` in the background: resolves `url` with the authorization URL it prints. */
function spawnLogin(args: string[]) {
  const login = startCli(['login', ...args], { env: env() });
  const url = login.waitForStderr(/Open this URL in your browser to sign in: (\S+)/).then((match) => match[1] ?? '');
  return { url, exited: login.exited };
}

describe('authorization code: login in the browser → token → refresh', () => {
  const username = 'dev';
  let browser: Browser;
  let clientId: string;

  beforeAll(async () => {
    await server.createUser(username, TEST_PASSWORD);
    browser = await loggedInBrowser(server.baseUrl, { username, password: TEST_PASSWORD });
    const created = await server.createClient({
      name: 'Flexgate CLI',
      isPublic: true,
      redirectUris: ['http://127.0.0.1/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
    });
    clientId = created.clientId;
  });

  const loginArgs = (profile: string) => [
    '--no-browser',
    '--base-url',
    server.baseUrl,
    '--client-id',
    clientId,
    '--scope',
    'read:contacts write:contacts',
    '--profile',
    profile,
  ];

  it('login prints the URL, the browser signs in and is sent to the CLI’s listener, and the CLI exits 0', async () => {
    const login = spawnLogin(loginArgs('user'));
    const url = new URL(await login.url);
    expect(url.origin).toBe(server.baseUrl);
    const redirectUri = url.searchParams.get('redirect_uri') ?? '';
    expect(redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    const result = await authorize(browser, Object.fromEntries(url.searchParams), {
      login: { username, password: TEST_PASSWORD },
    });
    expect(result.consentShown).toBe(true);
    expect(`${result.location.origin}${result.location.pathname}`).toBe(redirectUri);
    // A response with another state (a stale tab, a local page probing the port) is refused and ignored.
    const forged = await fetch(`${redirectUri}?code=forged&state=not-the-state`);
    expect(forged.status).toBe(400);
    await forged.body?.cancel();
    // The browser follows the redirect to the CLI's listener.
    const page = await fetch(result.location);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You can close this tab');

    const exit = await login.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toContain('saved profile "user"');
    expect((await stat(profileFile('user'))).mode & 0o777).toBe(0o600);
    const profile = await readProfile('user');
    expect(profile.clientSecret).toBeUndefined();
    expect(profile.tokens?.refreshToken).toBeDefined();
  });

  it('token prints the user’s token; it is reused while valid and refreshed (rotating the refresh token) once expired', async () => {
    const before = await readProfile('user');
    const first = await cli(['token', '--profile', 'user']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toMatch(JWT);
    expect(jwtPayload(first.stdout.trim()).sub).toBeDefined();
    const second = await cli(['token', '--profile', 'user']);
    expect(second.stdout).toBe(first.stdout);
    // No refresh happened: the stored refresh token is the same.
    expect((await readProfile('user')).tokens?.refreshToken).toBe(before.tokens?.refreshToken);

    // Expire the stored access token (the CLI runs with the real clock): the next call refreshes.
    const expired = { ...before, tokens: { ...before.tokens, expiresAt: Date.now() - 1000 } };
    await writeFile(profileFile('user'), JSON.stringify(expired), { mode: 0o600 });
    const third = await cli(['token', '--profile', 'user']);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout.trim()).toMatch(JWT);
    expect(third.stdout).not.toBe(first.stdout);
    const after = await readProfile('user');
    expect(after.tokens?.refreshToken).toBeDefined();
    expect(after.tokens?.refreshToken).not.toBe(before.tokens?.refreshToken);
    expect(after.tokens?.accessToken).toBe(third.stdout.trim());
    expect((await stat(profileFile('user'))).mode & 0o777).toBe(0o600);

    const me = await cli(['api', 'GET', '/me', '--profile', 'user']);
    expect(me.code, me.stderr).toBe(0);
    expect((JSON.parse(me.stdout) as { user: { username: string } }).user.username).toBe(username);
  });

  it('three `token` runs started together on an expired profile refresh once and all succeed (the grant lives)', async () => {
    const before = await readProfile('user');
    const expired = { ...before, tokens: { ...before.tokens, expiresAt: Date.now() - 1000 } };
    await writeFile(profileFile('user'), JSON.stringify(expired), { mode: 0o600 });
    const runs = await Promise.all([1, 2, 3].map(() => cli(['token', '--profile', 'user'])));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // One refresh: the others waited for the lock, re-read the profile and used its new token.
    expect(new Set(runs.map((run) => run.stdout)).size).toBe(1);
    const me = await cli(['api', 'GET', '/me', '--profile', 'user']);
    expect(me.code, me.stderr).toBe(0);
  });

  it('a denied consent ends login with a one-line error, exit 1, and no profile', async () => {
    const login = spawnLogin(loginArgs('denied'));
    const url = new URL(await login.url);
    const result = await authorize(browser, Object.fromEntries(url.searchParams), { decision: 'deny' });
    expect(result.location.searchParams.get('error')).toBe('access_denied');
    const page = await fetch(result.location);
    expect(page.status).toBe(400);
    const exit = await login.exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toMatch(/\nflexgate: sign-in was denied \(access_denied\)[^\n]*\n$/);
    await expect(stat(profileFile('denied'))).rejects.toThrow(/ENOENT/);
  });

  it('a client without the loopback redirect URI: exit 1 naming http://127.0.0.1/callback', async () => {
    const other = await server.createClient({
      name: 'Web only',
      isPublic: true,
      redirectUris: ['https://app.example.com/cb'],
    });
    const result = await cli([
      'login',
      '--no-browser',
      '--base-url',
      server.baseUrl,
      '--client-id',
      other.clientId,
      '--scope',
      'read:contacts',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^flexgate: the server refused the redirect URI .*http:\/\/127\.0\.0\.1\/callback.*\n$/,
    );
  });

  it('login gives up after --timeout seconds', async () => {
    const result = await cli([...['login', ...loginArgs('slow')], '--timeout', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('flexgate: timed out after 1 s');
  });
});

describe('--base-url', () => {
  const login = (baseUrl: string, ...extra: string[]) =>
    cli(['login', '--client-credentials', '--base-url', baseUrl, '--client-id', 'app_x', ...extra]);

  it('plain http is refused for a host that is not loopback (exit 2), unless --insecure', async () => {
    const refused = await login('http://flexgate.example.com');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: --base-url must use https .*--insecure/);
    // With --insecure the URL passes; the command stops at the next check (no --client-secret-stdin).
    const allowed = await login('http://flexgate.example.com', '--insecure');
    expect(allowed.code).toBe(2);
    expect(allowed.stderr).toContain('--client-credentials needs --client-secret-stdin');
    for (const loopback of ['http://127.0.0.1:9', 'http://[::1]:9', 'http://localhost:9']) {
      const result = await login(loopback);
      expect(result.code, `${loopback}: ${result.stderr}`).toBe(2);
      expect(result.stderr).toContain('--client-credentials needs --client-secret-stdin');
    }
    const help = await cli(['login', '--help']);
    expect(help.stdout).toContain('--insecure');
  });

  it('a browser login without --scope, or --client-secret-stdin without --client-credentials: exit 2', async () => {
    const base = ['login', '--no-browser', '--base-url', 'http://127.0.0.1:9', '--client-id', 'app_x'];
    const noScope = await cli(base);
    expect(noScope.code).toBe(2);
    expect(noScope.stderr).toMatch(/^error: --scope is required/);
    const stray = await cli([...base, '--scope', 'read:contacts', '--client-secret-stdin'], 'secret\n');
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/^error: --client-secret-stdin goes with --client-credentials/);
  });

  it('a URL with a user name or password is refused without being repeated', async () => {
    for (const url of ['https://:hunter2pw@flexgate.example.com', 'https://ada:hunter2pw@flexgate.example.com']) {
      const result = await login(url);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--base-url must not contain a user name or password');
      expect(result.stderr).not.toContain('hunter2pw');
      expect(result.stderr).not.toContain('flexgate.example.com');
    }
  });
});

describe('a server that cannot be reached', () => {
  it('api GET /me against a closed port: exit 1, one line saying it cannot reach the server', async () => {
    const port = await closedPort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const profile = {
      version: 1,
      baseUrl,
      clientId: 'app_gone',
      scopes: [],
      grant: 'client_credentials',
      clientSecret: 'x',
      tokens: { accessToken: 'a.b.c', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 },
    };
    await writeFile(profileFile('gone'), JSON.stringify(profile), { mode: 0o600 });
    const result = await cli(['api', 'GET', '/me', '--profile', 'gone']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`flexgate: cannot reach ${baseUrl}: ECONNREFUSED\n`);
  });
});

describe('text from the server is printed without terminal control characters', () => {
  it('oneLine removes C0 (but tab and newline, which become spaces), DEL and C1 characters', () => {
    expect(oneLine('a\x1b[31mred\x07\r\n\tb\x7f\x9bc\u202ed')).toBe('a[31mred bcd');
  });

  it('an API error description with escape sequences reaches stderr stripped', async () => {
    const evil = createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: 'not_found\x1b[2J',
          error_description: 'gone\x1b]0;pwned\x07 \x9b31m away\r\n!',
          request_id: 'req\x1b_1',
        }),
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', () => resolve()));
    try {
      const baseUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
      const profile = {
        version: 1,
        baseUrl,
        clientId: 'app_evil',
        scopes: [],
        grant: 'client_credentials',
        clientSecret: 'x',
        tokens: { accessToken: 'a.b.c', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 },
      };
      await writeFile(profileFile('evil'), JSON.stringify(profile), { mode: 0o600 });
      const result = await cli(['api', 'GET', '/contacts/x', '--profile', 'evil']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('flexgate: gone]0;pwned 31m away ! (404 not_found[2J, request id req_1)\n');
      // biome-ignore lint/suspicious/noControlCharactersInRegex: checking there are none.
      expect(result.stderr.slice(0, -1)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    } finally {
      await new Promise<void>((resolve) => evil.close(() => resolve()));
    }
  });
});

describe('the profile lock (ProfileTokenStore.lock)', () => {
  let dir: string;
  let previous: string | undefined;
  const settings = {
    version: 1 as const,
    baseUrl: 'http://127.0.0.1:9',
    clientId: 'app_lock',
    scopes: [],
    grant: 'client_credentials' as const,
  };
  const lockFile = (name: string) => join(dir, 'profiles', `${name}.json.lock`);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flexgate-lock-'));
    previous = process.env.FLEXGATE_CONFIG_DIR;
    process.env.FLEXGATE_CONFIG_DIR = dir;
    await mkdir(join(dir, 'profiles'), { recursive: true, mode: 0o700 });
  });
  afterAll(async () => {
    if (previous === undefined) delete process.env.FLEXGATE_CONFIG_DIR;
    else process.env.FLEXGATE_CONFIG_DIR = previous;
    await rm(dir, { recursive: true, force: true });
  });

  it('two holders (two stores on one profile) never run at once; the lock file names its holder', async () => {
    let active = 0;
    let most = 0;
    const order: string[] = [];
    const hold = (store: ProfileTokenStore, label: string) =>
      store.lock(async () => {
        active += 1;
        most = Math.max(most, active);
        const owner = JSON.parse(await readFile(lockFile('p'), 'utf8')) as { pid: number; host: string };
        expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
        order.push(`${label}+`);
        await sleep(60);
        order.push(`${label}-`);
        active -= 1;
        return label;
      });
    const results = await Promise.all([
      hold(new ProfileTokenStore('p', settings, true), 'a'),
      hold(new ProfileTokenStore('p', settings, true), 'b'),
      hold(new ProfileTokenStore('p', settings, true), 'c'),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    expect(order).toHaveLength(6);
    await expect(stat(lockFile('p'))).rejects.toThrow(/ENOENT/);
  });

  it('the lock is released when the work throws; the signal handlers go with the last lock', async () => {
    const listeners = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const before = listeners();
    const store = new ProfileTokenStore('p', settings, true);
    await expect(
      store.lock(async () => {
        expect(listeners()).toEqual(before.map((count) => count + 1));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(stat(lockFile('p'))).rejects.toThrow(/ENOENT/);
    expect(listeners()).toEqual(before);
  });

  // The lock itself (takeover of dead or stale holders, keep-alive, removal) is the SDK's withFileLock:
  // test/sdk/file-lock.test.ts. Here: what the CLI adds to it.
  it('a profile whose lock is held elsewhere: an error naming the profile, after waitMs', async () => {
    const content = JSON.stringify({ pid: 1, host: 'elsewhere.invalid', createdAt: 0, nonce: 'theirs' });
    await writeFile(lockFile('busy'), content, { mode: 0o600 });
    const store = new ProfileTokenStore('busy', settings, true, { staleLockMs: 60_000, waitMs: 300 });
    let ran = false;
    await expect(
      store.lock(async () => {
        ran = true;
      }),
    ).rejects.toThrow(/the profile "busy" is locked by another flexgate/);
    expect(ran).toBe(false);
    expect(await readFile(lockFile('busy'), 'utf8')).toBe(content);
    await rm(lockFile('busy'));
  });

  it('SIGINT while holding the lock removes it and exits 130', async () => {
    await ensureCliBuilt();
    const module = new URL('../../dist/cli/developer/token-store.js', import.meta.url).href;
    const script = [
      `const { ProfileTokenStore } = await import(${JSON.stringify(module)});`,
      `const store = new ProfileTokenStore('sig', ${JSON.stringify(settings)}, true);`,
      'setInterval(() => {}, 1000);',
      "await store.lock(async () => { process.stdout.write('held\\n'); await new Promise(() => {}); });",
    ].join('\n');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: cleanEnv({ FLEXGATE_CONFIG_DIR: dir }),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('held')) resolve();
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    expect((await stat(lockFile('sig'))).isFile()).toBe(true);
    const code = new Promise((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    child.kill('SIGINT');
    expect(await code).toBe(130);
    await expect(stat(lockFile('sig'))).rejects.toThrow(/ENOENT/);
  });
});
