/**
 * The CLI changing what a running `flexgate serve` (another process, same data folder) does: secrets
 * rotated, clients deleted, signing keys rotated.
 */
import { decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessToken,
  type CliResult,
  clientCredentialsToken,
  createSandbox,
  ensureCliBuilt,
  eventually,
  killLeftoverChildren,
  meStatus,
  parseJson,
  runCli,
  type Sandbox,
  type ServeProcess,
  startServe,
} from '../helpers/cli-process.js';

const SYNC_INTERVAL_MS = 200;

describe('the CLI against a running server', () => {
  let sandbox: Sandbox;
  let server: ServeProcess;
  const cli = (...args: string[]): Promise<CliResult> =>
    runCli([...args, '--data', sandbox.dataDir], { cwd: sandbox.dir });

  async function newClient(name: string): Promise<{ clientId: string; secret: string }> {
    const result = await cli('clients', 'create', '--name', name, '--grant-type', 'client_credentials', '--json');
    expect(result.code, result.stderr).toBe(0);
    const json = parseJson<{ client_id: string; client_secret: string }>(result);
    return { clientId: json.client_id, secret: json.client_secret };
  }

  async function rotate(clientId: string, ...flags: string[]): Promise<string> {
    const result = await cli('clients', 'rotate-secret', clientId, '--json', ...flags);
    expect(result.code, result.stderr).toBe(0);
    return parseJson<{ client_secret: string }>(result).client_secret;
  }

  async function jwksKids(): Promise<string[]> {
    const response = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
    const jwks = (await response.json()) as { keys: { kid: string }[] };
    return jwks.keys.map((key) => key.kid);
  }

  beforeAll(async () => {
    await ensureCliBuilt();
    sandbox = await createSandbox();
    server = await startServe(sandbox.dataDir, { env: { FLEXGATE_SYNC_INTERVAL: String(SYNC_INTERVAL_MS) } });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    killLeftoverChildren();
    await sandbox?.remove();
  });

  it('rotate-secret: the old secret stops working at once, the new one works', async () => {
    const { clientId, secret: original } = await newClient('rotate now');
    await accessToken(server.baseUrl, clientId, original);

    const rotated = await rotate(clientId);
    const old = await clientCredentialsToken(server.baseUrl, clientId, original);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    await accessToken(server.baseUrl, clientId, rotated);
  });

  it('rotate-secret --grace 3600: the old secret keeps working next to the new one', async () => {
    const { clientId, secret: original } = await newClient('rotate with grace');
    const rotated = await rotate(clientId, '--grace', '3600');
    expect(rotated).not.toBe(original);
    await accessToken(server.baseUrl, clientId, original);
    await accessToken(server.baseUrl, clientId, rotated);

    // A second rotation without grace ends both earlier secrets.
    const third = await rotate(clientId);
    expect((await clientCredentialsToken(server.baseUrl, clientId, original)).status).toBe(401);
    expect((await clientCredentialsToken(server.baseUrl, clientId, rotated)).status).toBe(401);
    await accessToken(server.baseUrl, clientId, third);
  });

  it('rotate-secret refuses a bad --grace with one line and exit 1', async () => {
    const { clientId } = await newClient('bad grace');
    const result = await cli('clients', 'rotate-secret', clientId, '--grace', 'soon');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--grace/);
  });

  it('clients delete revokes the tokens the running server issued, within ~2 s', async () => {
    const { clientId, secret } = await newClient('to delete');
    const token = await accessToken(server.baseUrl, clientId, secret);
    expect(await meStatus(server.baseUrl, token)).toBe(200);

    const result = await cli('clients', 'delete', clientId);
    expect(result.code, result.stderr).toBe(0);
    // The server learns of the revocation at its next sync (every 200 ms here).
    const elapsed = await eventually(async () => (await meStatus(server.baseUrl, token)) === 401, 2000);
    expect(elapsed).toBeLessThan(2000);

    const refused = await clientCredentialsToken(server.baseUrl, clientId, secret);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
  });

  it('keys rotate: JWKS lists both keys, old tokens still work, new tokens carry the new kid', async () => {
    const { clientId, secret } = await newClient('key rotation');
    const before = await accessToken(server.baseUrl, clientId, secret);
    const oldKid = decodeProtectedHeader(before).kid;
    const kidsBefore = await jwksKids();
    expect(kidsBefore).toContain(oldKid);

    const result = await cli('keys', 'rotate');
    expect(result.code, result.stderr).toBe(0);
    const newKid = /new signing key (\S+)/.exec(result.stdout)?.[1];
    expect(newKid).toBeDefined();
    expect(newKid).not.toBe(oldKid);

    await eventually(async () => (await jwksKids()).includes(newKid ?? ''), 2000);
    const kidsAfter = await jwksKids();
    expect(kidsAfter).toEqual(expect.arrayContaining([oldKid, newKid]));

    expect(await meStatus(server.baseUrl, before)).toBe(200);
    const after = await accessToken(server.baseUrl, clientId, secret);
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect(await meStatus(server.baseUrl, after)).toBe(200);
  });

  it('logged nothing secret while all this happened', () => {
    // Every request above sent a client secret in the body; the request logs must not carry it.
    const records = server.logRecords();
    expect(records.length).toBeGreaterThan(0);
    expect(server.stdout()).not.toMatch(/fgs_/);
    expect(server.stdout()).not.toMatch(/client_secret/);
  });
});
