/**
 * The runnable examples in examples/ against a live server, as an integrator would run them: node, the
 * built @flexgate/client package, credentials in the environment.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize } from '../helpers/browser-flow.js';
import { cleanEnv, ensureCliBuilt, REPO_ROOT } from '../helpers/cli-process.js';
import { type Fixture, startFixture } from '../helpers/e2e.js';
import { freePort } from '../helpers/ports.js';

const EXAMPLES = join(REPO_ROOT, 'examples');

function runExample(
  file: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(EXAMPLES, file)],
      { env: cleanEnv(env), timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number((error as { code?: number }).code ?? 1), stdout, stderr }),
    );
  });
}

describe('examples/', () => {
  let fx: Fixture;

  beforeAll(async () => {
    await ensureCliBuilt();
    fx = await startFixture();
  });
  afterAll(async () => {
    await fx?.server.close();
  });

  it('client-credentials.mjs creates and lists contacts and shows a validation error', async () => {
    const { clientId, clientSecret } = await fx.server.createClient({
      name: 'Example backend',
      grantTypes: ['client_credentials'],
      scopes: ['read:contacts', 'write:contacts'],
    });
    const result = await runExample('client-credentials.mjs', {
      FLEXGATE_URL: fx.baseUrl,
      CLIENT_ID: clientId,
      CLIENT_SECRET: clientSecret ?? '',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^created ct_\S+ \(Ada Lovelace\)$/m);
    expect(result.stdout).toMatch(/^first page: Ada Lovelace$/m);
    expect(result.stdout).toMatch(/^refused as expected: \{"phone":\[".+"\]\}$/m);
    expect(result.stdout).not.toContain(clientSecret);
  });

  describe('authorization-code.mjs', () => {
    let app: ChildProcess | undefined;
    afterAll(() => {
      app?.kill();
    });

    it('signs a user in with PKCE and calls the API for them', async () => {
      const port = await freePort();
      const redirectUri = `http://localhost:${port}/callback`;
      const { clientId, clientSecret } = await fx.server.createClient({
        name: 'Example web app',
        redirectUris: [redirectUri],
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['read:contacts'],
      });
      const tokenFile = join(mkdtempSync(join(tmpdir(), 'flexgate-example-')), 'tokens.json');
      const started = spawn(process.execPath, [join(EXAMPLES, 'authorization-code.mjs')], {
        env: cleanEnv({
          FLEXGATE_URL: fx.baseUrl,
          CLIENT_ID: clientId,
          CLIENT_SECRET: clientSecret ?? '',
          PORT: String(port),
          TOKEN_FILE: tokenFile,
        }),
      });
      app = started;
      await new Promise<void>((resolve, reject) => {
        started.stdout?.on('data', (chunk: Buffer) => {
          if (chunk.toString().includes('listening')) resolve();
        });
        started.once('exit', (code) => reject(new Error(`the example exited (${code})`)));
      });

      const login = await fetch(`http://127.0.0.1:${port}/login`, { redirect: 'manual' });
      expect(login.status).toBe(302);
      const authorizeUrl = new URL(login.headers.get('location') ?? '');
      expect(authorizeUrl.origin).toBe(fx.baseUrl);
      expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');

      const result = await authorize(fx.browser, Object.fromEntries(authorizeUrl.searchParams));
      expect(`${result.location.origin}${result.location.pathname}`).toBe(redirectUri);
      const callback = await fetch(result.location.href.replace('localhost', '127.0.0.1'));
      const body = (await callback.json()) as { user: { username: string }; contacts: string[] };
      expect(callback.status).toBe(200);
      expect(body.user.username).toBe(fx.user.username);
      expect(body.contacts).toEqual([]);
    });
  });
});
