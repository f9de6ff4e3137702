import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneErrorLine } from '../helpers/cli-expect.js';
import {
  accessToken,
  type CliResult,
  createSandbox,
  ensureCliBuilt,
  killLeftoverChildren,
  meStatus,
  parseJson,
  runCli,
  type Sandbox,
  startServe,
  waitUntilRefused,
} from '../helpers/cli-process.js';

let sandbox: Sandbox;
beforeAll(async () => {
  await ensureCliBuilt();
  sandbox = await createSandbox();
}, 120_000);
afterAll(async () => {
  killLeftoverChildren();
  await sandbox?.remove();
});

const serve = (...args: string[]): Promise<CliResult> =>
  runCli(['serve', '--data', sandbox.dataDir, ...args], { cwd: sandbox.dir });

describe.concurrent('serve refuses bad configuration with one line and exit 1', () => {
  it.each([
    { args: ['--port', 'abc'], option: '--port' },
    { args: ['--port', '70000'], option: '--port' },
    { args: ['--database-url', 'mysql://x'], option: '--database-url' },
    { args: ['--issuer', 'ftp://x'], option: '--issuer' },
    { args: ['--issuer', 'https://auth.example/?q=1'], option: '--issuer' },
    { args: ['--log-level', 'loud'], option: '--log-level' },
  ])('serve $args', async ({ args, option }) => {
    const result = await serve(...args);
    expectOneErrorLine(result, new RegExp(`invalid configuration: .*${option}`));
    expect(result.stdout).toBe('');
  });

  it('serve with an environment variable names the variable too', async () => {
    const result = await runCli(['serve', '--data', sandbox.dataDir], {
      cwd: sandbox.dir,
      env: { FLEXGATE_PORT: 'abc' },
    });
    expectOneErrorLine(result, /FLEXGATE_PORT/);
  });

  it('serve with an unreachable PostgreSQL exits 1 with one line and no stack', async () => {
    const result = await serve('--database-url', 'postgres://postgres@127.0.0.1:1/x');
    expectOneErrorLine(result, /cannot connect to PostgreSQL at 127\.0\.0\.1:1/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('serve on a port already in use exits 1 with one line', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const address = blocker.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const result = await runCli(['serve', '--data', `${sandbox.dataDir}-busy`, '--port', String(port)], {
        cwd: sandbox.dir,
      });
      expectOneErrorLine(result, new RegExp(`cannot listen: .*(EADDRINUSE|in use).*${port}`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('serve --demo', () => {
  interface DemoCredentials {
    password: string;
    clientId: string;
    clientSecret: string;
  }

  function demoCredentials(stdout: string): DemoCredentials {
    const field = (name: string) => {
      const value = new RegExp(`^ {2}${name} +(\\S+)$`, 'm').exec(stdout)?.[1];
      if (value === undefined) throw new Error(`no ${name} in:\n${stdout}`);
      return value;
    };
    return { password: field('password'), clientId: field('client_id'), clientSecret: field('client_secret') };
  }

  /** No JSON log line may carry a secret; the demo block is printed, not logged. */
  function expectNoSecretInLogs(stdout: string, secrets: string[]): void {
    const logLines = stdout.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      JSON.parse(line);
      for (const secret of secrets) expect(line).not.toContain(secret);
    }
  }

  it('prints credentials on the first start only, and keeps the data on the next start', async () => {
    const dataDir = `${sandbox.dataDir}-demo`;
    const first = await startServe(dataDir, { args: ['--demo'], readyText: 'client_secret' });
    let credentials: DemoCredentials;
    try {
      await first.waitForStdout((text) => /client_secret +\S+\n/.test(text));
      credentials = demoCredentials(first.stdout());
      expect(first.stdout()).toMatch(/^ {2}user +demo$/m);
      expect(credentials.clientSecret).toMatch(/^fgs_/);
      expect(credentials.password.length).toBeGreaterThanOrEqual(12);

      // The printed credentials work: the client gets a token (and this request is logged).
      const token = await accessToken(first.baseUrl, credentials.clientId, credentials.clientSecret);
      expect(await meStatus(first.baseUrl, token)).toBe(200);
      await first.waitForStdout((text) => text.includes('"url":"/oauth/token"') && text.includes('"statusCode":200'));
    } finally {
      await first.stop();
    }
    expectNoSecretInLogs(first.stdout(), [credentials.clientSecret, credentials.password]);
    expect(first.stderr()).toBe('');

    const second = await startServe(dataDir, { args: ['--demo'], readyText: 'rotate-secret' });
    try {
      await second.waitForStdout((text) => text.includes('users create'));
      const out = second.stdout();
      expect(out).toContain('Demo data exists');
      expect(out).toContain(credentials.clientId);
      expect(out).toContain(`flexgate clients rotate-secret`);
      expect(out).not.toContain(credentials.clientSecret);
      expect(out).not.toContain(credentials.password);
      expect(out).not.toMatch(/^ {2}client_secret/m);

      // Same users and clients: the first client still authenticates with its first secret.
      const token = await accessToken(second.baseUrl, credentials.clientId, credentials.clientSecret);
      expect(await meStatus(second.baseUrl, token)).toBe(200);
      await second.waitForStdout((text) => text.includes('"url":"/oauth/token"'));
    } finally {
      await second.stop();
    }
    expectNoSecretInLogs(second.stdout(), [credentials.clientSecret, credentials.password]);
    expect(second.stderr()).toBe('');
  });
});

describe('FLEXGATE_DEMO', () => {
  // Regression: commander read any FLEXGATE_DEMO value, "false" included, as --demo.
  it.each(['false', '0'])('FLEXGATE_DEMO=%s creates no demo data', async (value) => {
    const dataDir = `${sandbox.dataDir}-demo-${value}`;
    const server = await startServe(dataDir, { env: { FLEXGATE_DEMO: value } });
    await server.stop();
    expect(server.stdout()).not.toContain('Demo data');
    // Nothing was seeded: no client exists in the data folder.
    expect(parseJson<unknown[]>(await runCli(['clients', 'list', '--json', '--data', dataDir]))).toEqual([]);
  });

  it('FLEXGATE_DEMO=true creates it', async () => {
    const server = await startServe(`${sandbox.dataDir}-demo-true`, {
      env: { FLEXGATE_DEMO: 'true' },
      readyText: 'client_secret',
    });
    await server.stop();
    expect(server.stdout()).toContain('Demo data created');
  });
});

describe('serve shuts down on SIGTERM', () => {
  it('exits 0 within 5 s when idle', async () => {
    const server = await startServe(`${sandbox.dataDir}-idle`);
    try {
      server.child.kill('SIGTERM');
      const started = Date.now();
      const { code, signal } = await server.waitForExit(5000);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(server.stdout()).toContain('draining in-flight requests');
    } finally {
      await server.stop();
    }
  });

  it('lets a request in flight complete, then exits 0', async () => {
    const dataDir = `${sandbox.dataDir}-drain`;
    const created = await runCli(
      ['clients', 'create', '--name', 'drain', '--grant-type', 'client_credentials', '--json', '--data', dataDir],
      { cwd: sandbox.dir },
    );
    expect(created.code, created.stderr).toBe(0);
    const { client_id: clientId, client_secret: clientSecret } = parseJson<{
      client_id: string;
      client_secret: string;
    }>(created);
    const server = await startServe(dataDir);
    try {
      // A token request whose body arrives in two parts: between them the request is in flight.
      const body = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }).toString();
      const request = httpRequest({
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/oauth/token',
        agent: false,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      });
      const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
        request.once('error', reject);
        request.once('response', (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.once('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.once('error', reject);
        });
      });
      request.write(body.slice(0, 10));
      // The server has the request once it logs it (Fastify logs "incoming request" before reading the body).
      await server.waitForStdout((text) => text.includes('"msg":"incoming request"'));

      server.child.kill('SIGTERM');
      await server.waitForStdout((text) => text.includes('draining in-flight requests'));
      // The listener is closed: new connections are refused while the request is still open.
      await waitUntilRefused(server.port);
      expect(server.child.exitCode).toBeNull();

      request.end(body.slice(10));
      const completed = await response;
      expect(completed.status).toBe(200);
      expect(JSON.parse(completed.body)).toMatchObject({ token_type: 'Bearer' });

      const { code, signal } = await server.waitForExit(5000);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop();
    }
  });
});
