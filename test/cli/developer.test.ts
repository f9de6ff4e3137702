/**
 * The developer commands against a real server: `flexgate login` (client credentials with the secret on
 * stdin, and the authorization-code flow through a loopback listener), `flexgate token` and `flexgate api`.
 * Each test file gets its own FLEXGATE_CONFIG_DIR, so no real profile is ever touched.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, type Browser } from '../helpers/browser-flow.js';
import {
  CLI_ENTRY,
  type CliResult,
  cleanEnv,
  ensureCliBuilt,
  killLeftoverChildren,
  runCli,
} from '../helpers/cli-process.js';
import { loggedInBrowser, TEST_PASSWORD } from '../helpers/e2e.js';
import { jwtPayload } from '../helpers/oauth-client.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

let server: TestServer;
let configDir: string;
const spawned = new Set<ChildProcessWithoutNullStreams>();

beforeAll(async () => {
  await ensureCliBuilt();
  server = await startTestServer();
  configDir = await mkdtemp(join(tmpdir(), 'flexgate-config-'));
}, 120_000);
afterAll(async () => {
  for (const child of spawned) child.kill('SIGKILL');
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
    const bad = await run(['api', 'POST', '/contacts', '--data', '{name:Ada}']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--data must be valid JSON');
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

  it('--client-credentials without --client-secret-stdin is refused (a secret never comes from argv)', async () => {
    const result = await run(['login', '--client-credentials', '--base-url', server.baseUrl, '--client-id', clientId]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--client-secret-stdin');
    const argv = await run(['login', '--client-secret', secret, '--base-url', server.baseUrl, '--client-id', clientId]);
    expect(argv.code).toBe(2);
  });

  it('a missing profile is a one-line error that says to log in', async () => {
    const result = await run(['token', '--profile', 'nobody']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flexgate: no profile "nobody" .*run flexgate login first\n$/);
  });

  it('the secret never appears in any output', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const output of outputs) expect(output).not.toContain(secret);
  });
});

/** `flexgate login` in the background, with its stderr collected as it comes. */
function spawnLogin(args: string[]) {
  const child = spawn(process.execPath, [CLI_ENTRY, 'login', ...args], {
    env: cleanEnv(env()),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  spawned.add(child);
  child.stdin.end();
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once('close', (code) => {
      spawned.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
  /** The authorization URL the CLI printed. */
  const url = new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Open this URL in your browser to sign in: (\S+)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    };
    child.stderr.on('data', check);
    void exited.then(({ stderr: text }) => reject(new Error(`login exited before printing the URL:\n${text}`)));
  });
  return { child, url, exited };
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
