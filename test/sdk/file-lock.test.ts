/**
 * The SDK's lock file (`withFileLock` from `@flexgate/client/node`), which FileTokenStore and the CLI's
 * profiles renew under: exclusive, naming its holder; a dead holder of this host is taken over at once, a
 * live one never, one of another host once stale; the holder keeps it fresh and removes only its own;
 * `releaseHeldLocksSync` removes what this process holds, and the library installs no signal handlers.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlexgateError } from '../../packages/client/src/index.js';
import { FileLockTimeoutError, releaseHeldLocksSync, withFileLock } from '../../packages/client/src/node.js';

let dir: string;
const lockFile = (name: string) => join(dir, `${name}.lock`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const owner = (pid: number, host: string) => JSON.stringify({ pid, host, createdAt: 0, nonce: 'theirs' });
/** The pid of a process that has exited. */
const deadPid = async () => {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? 0;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flexgate-file-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('withFileLock', () => {
  it('runs one holder at a time, names the holder in the file, and removes it after success or failure', async () => {
    let active = 0;
    let most = 0;
    const hold = (label: string) =>
      withFileLock(lockFile('x'), async () => {
        active += 1;
        most = Math.max(most, active);
        const content = JSON.parse(await readFile(lockFile('x'), 'utf8')) as Record<string, unknown>;
        expect(content).toMatchObject({ pid: process.pid, host: hostname() });
        expect(content.nonce).toEqual(expect.any(String));
        await sleep(40);
        active -= 1;
        return label;
      });
    expect(await Promise.all([hold('a'), hold('b'), hold('c')])).toEqual(['a', 'b', 'c']);
    expect(most).toBe(1);
    await expect(stat(lockFile('x'))).rejects.toThrow(/ENOENT/);
    await expect(withFileLock(lockFile('x'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(stat(lockFile('x'))).rejects.toThrow(/ENOENT/);
  });

  it('takes over a lock left by a dead process of this host at once, however recent', async () => {
    await writeFile(lockFile('dead'), owner(await deadPid(), hostname()), { mode: 0o600 });
    const started = Date.now();
    expect(await withFileLock(lockFile('dead'), async () => 'ran', { staleLockMs: 60_000, waitMs: 60_000 })).toBe(
      'ran',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(stat(lockFile('dead'))).rejects.toThrow(/ENOENT/);
  });

  it('never takes over a lock of a live process, even with an old mtime: FileLockTimeoutError', async () => {
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
    try {
      const content = owner(sleeper.pid ?? 0, hostname());
      await writeFile(lockFile('live'), content, { mode: 0o600 });
      const old = new Date(Date.now() - 3_600_000);
      await utimes(lockFile('live'), old, old);
      let ran = false;
      const attempt = withFileLock(
        lockFile('live'),
        async () => {
          ran = true;
        },
        { staleLockMs: 100, waitMs: 500 },
      );
      await expect(attempt).rejects.toBeInstanceOf(FileLockTimeoutError);
      await expect(attempt).rejects.toBeInstanceOf(FlexgateError);
      await expect(attempt).rejects.toMatchObject({ name: 'FileLockTimeoutError', lockPath: lockFile('live') });
      expect(ran).toBe(false);
      expect(await readFile(lockFile('live'), 'utf8')).toBe(content);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over a lock of another host (or an unreadable one) only once its mtime is stale', async () => {
    for (const [name, content] of [
      ['remote', owner(1, 'elsewhere.invalid')],
      ['garbled', '999999\n'],
    ] as const) {
      await writeFile(lockFile(name), content, { mode: 0o600 });
      const options = { staleLockMs: 60_000, waitMs: 300 };
      await expect(withFileLock(lockFile(name), async () => 'ran', options)).rejects.toThrow(FileLockTimeoutError);
      const old = new Date(Date.now() - 120_000);
      await utimes(lockFile(name), old, old);
      expect(await withFileLock(lockFile(name), async () => 'ran', options)).toBe('ran');
      await expect(stat(lockFile(name))).rejects.toThrow(/ENOENT/);
    }
  });

  it('keeps the lock fresh while the work lasts and removes only a lock file that is still its own', async () => {
    await withFileLock(
      lockFile('mine'),
      async () => {
        const before = (await stat(lockFile('mine'))).mtimeMs;
        await sleep(200);
        expect((await stat(lockFile('mine'))).mtimeMs).toBeGreaterThan(before);
        // Someone replaced the lock file meanwhile (e.g. took it over): it is not ours to remove.
        await rm(lockFile('mine'));
        await writeFile(lockFile('mine'), owner(1, 'x'), { mode: 0o600 });
      },
      { staleLockMs: 150 },
    );
    expect(await readFile(lockFile('mine'), 'utf8')).toContain('"theirs"');
    await rm(lockFile('mine'));
  });
});

describe('releaseHeldLocksSync', () => {
  it('removes the lock files this process holds, and no other', async () => {
    await writeFile(lockFile('other'), owner(1, 'elsewhere.invalid'), { mode: 0o600 });
    await withFileLock(lockFile('held'), async () => {
      expect((await stat(lockFile('held'))).isFile()).toBe(true);
      releaseHeldLocksSync();
      await expect(stat(lockFile('held'))).rejects.toThrow(/ENOENT/);
      // Someone else takes the lock now: the holder's release at the end leaves it alone.
      await writeFile(lockFile('held'), owner(1, 'elsewhere.invalid'), { mode: 0o600 });
    });
    expect(await readFile(lockFile('held'), 'utf8')).toContain('"theirs"');
    expect(await readFile(lockFile('other'), 'utf8')).toContain('"theirs"');
    releaseHeldLocksSync(); // holds nothing now: a no-op
    await rm(lockFile('held'));
    await rm(lockFile('other'));
  });

  it('is for the program to call: the library installs no signal handlers', async () => {
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    await withFileLock(lockFile('quiet'), async () => {
      expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
    });
  });
});
