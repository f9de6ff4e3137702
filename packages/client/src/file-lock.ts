/**
 * An exclusive lock file shared by the processes of one machine (or of several, on a shared folder): Node only,
 * re-exported by `@flexgate/client/node`. `FileTokenStore.lock` renews tokens under it; any other work
 * that must run in one process at a time can use {@link withFileLock} too.
 *
 * The lock file is created with `O_EXCL` and holds `{pid, host, createdAt, nonce}` (JSON); its holder keeps
 * its mtime recent. A lock of a dead process of this host is taken over at once; one of a live process never;
 * one whose holder cannot be checked (another host, or a file written half-way) once its mtime is stale. The
 * holder removes the file only while it is still its own (same inode, same nonce).
 *
 * The library installs no signal handlers: a program that exits on a signal calls {@link releaseHeldLocksSync}
 * from its own handler, so that no lock outlives it.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, rmSync, type Stats } from 'node:fs';
import { type FileHandle, link, open, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { FlexgateError } from './errors.js';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /**
   * A lock whose holder cannot be checked (another host, or a file written half-way) is taken over when its
   * mtime is older than this, in milliseconds (default 30 000). A live holder touches it every third of it.
   */
  staleLockMs?: number;
  /**
   * How long to wait for the lock before giving up with a {@link FileLockTimeoutError}, in milliseconds
   * (default `2 * staleLockMs + 15 000`: long enough for a crashed holder on another host to go stale).
   */
  waitMs?: number;
}

/** Thrown by {@link withFileLock} when the lock is still held by someone else once `waitMs` has passed. */
export class FileLockTimeoutError extends FlexgateError {
  /** The lock file that could not be taken. */
  readonly lockPath: string;

  /** @param lockPath - The lock file that could not be taken. */
  constructor(lockPath: string) {
    super(`The lock file ${lockPath} is held by another process`);
    this.lockPath = lockPath;
  }
}

/** What a lock file holds: who took it (to tell a crashed holder from a live one, and our lock from another). */
interface LockOwner {
  pid: number;
  host: string;
  createdAt: number;
  nonce: string;
}

/** A lock this process holds: its file, and the inode and nonce that tell it from a later lock at that path. */
interface HeldLock {
  path: string;
  ino: number;
  nonce: string;
}

/** How long to wait between attempts to take the lock: from the first to the last, with jitter. */
const RETRY_MIN_MS = 5;
const RETRY_MAX_MS = 100;

function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    if (
      typeof value?.pid === 'number' &&
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.host === 'string' &&
      typeof value.nonce === 'string'
    ) {
      return value as LockOwner;
    }
  } catch {
    // Not ours to read (or written half-way): judged by its mtime.
  }
  return undefined;
}

/** Whether a process of this host is alive (EPERM: it is, but another user's). */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Whether the lock file (its inode and content) is still the one `held` created. */
const isOurs = (held: HeldLock, ino: number, text: string) =>
  ino === held.ino && parseLockOwner(text)?.nonce === held.nonce;

/** The locks this process holds, for {@link releaseHeldLocksSync}. */
const heldLocks = new Set<HeldLock>();

/**
 * Removes every lock file that this process holds through {@link withFileLock} (each one only while it is still
 * its own), synchronously: for a program's SIGINT or SIGTERM handler, right before it exits. The work running
 * under those locks is not stopped, so call it only when the process is about to end.
 *
 * @example
 * ```ts
 * process.on('SIGINT', () => {
 *   releaseHeldLocksSync();
 *   process.exit(130);
 * });
 * ```
 */
export function releaseHeldLocksSync(): void {
  for (const held of heldLocks) {
    try {
      const fd = openSync(held.path, 'r');
      try {
        if (isOurs(held, fstatSync(fd).ino, readFileSync(fd, 'utf8'))) rmSync(held.path, { force: true });
      } finally {
        closeSync(fd);
      }
    } catch {
      // Gone already, or not ours.
    }
  }
  heldLocks.clear();
}

/** The inode and content of a lock file, read through one descriptor; undefined when there is none. */
async function readLockFile(path: string): Promise<{ info: Stats; text: string } | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return { info: await file.stat(), text: await file.readFile('utf8') };
  } finally {
    await file.close();
  }
}

/**
 * Runs `work` holding the exclusive lock file `lockPath` (its folder must exist), and removes the lock when
 * `work` settles, whatever the outcome, unless someone took it over meanwhile. Other holders are waited for
 * with a short backoff (5 to 100 ms, with jitter) for at most `waitMs`.
 *
 * @param lockPath - The lock file, e.g. `<data file>.lock`.
 * @param work - What to run under the lock; its result (or error) is `withFileLock`'s.
 * @param options - See {@link FileLockOptions}.
 * @returns What `work` returns.
 * @throws {@link FileLockTimeoutError} when the lock is still held by a live holder after `waitMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleLockMs = options.staleLockMs ?? 30_000;
  const waitMs = options.waitMs ?? 2 * staleLockMs + 15_000;
  const { handle, held } = await acquire(lockPath, staleLockMs, waitMs);
  // Keep the lock's mtime recent while the work lasts (on our own inode, even if it was moved away).
  const heartbeat = setInterval(
    () => {
      const at = new Date();
      handle.utimes(at, at).catch(() => undefined);
    },
    Math.max(1, Math.floor(staleLockMs / 3)),
  );
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    // Remove the lock only while it is still ours (the descriptor keeps its inode from being reused).
    const found = await readLockFile(lockPath).catch(() => undefined);
    if (found !== undefined && isOurs(held, found.info.ino, found.text)) await rm(lockPath, { force: true });
    heldLocks.delete(held);
    await handle.close().catch(() => undefined);
  }
}

async function acquire(
  path: string,
  staleLockMs: number,
  waitMs: number,
): Promise<{ handle: FileHandle; held: HeldLock }> {
  const deadline = Date.now() + waitMs;
  let delay = RETRY_MIN_MS;
  for (;;) {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (handle !== undefined) {
      try {
        const owner: LockOwner = {
          pid: process.pid,
          host: hostname(),
          createdAt: Date.now(),
          nonce: randomBytes(12).toString('hex'),
        };
        const held: HeldLock = { path, ino: (await handle.stat()).ino, nonce: owner.nonce };
        await handle.writeFile(JSON.stringify(owner), 'utf8');
        heldLocks.add(held);
        return { handle, held };
      } catch (error) {
        await handle.close().catch(() => undefined);
        await rm(path, { force: true });
        throw error;
      }
    }
    if (await takeOverIfStale(path, staleLockMs)) continue;
    if (Date.now() >= deadline) throw new FileLockTimeoutError(path);
    await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
    delay = Math.min(delay * 2, RETRY_MAX_MS);
  }
}

/** Removes the lock at `path` when its holder is gone; true when the caller should try again at once. */
async function takeOverIfStale(path: string, staleLockMs: number): Promise<boolean> {
  const found = await readLockFile(path);
  if (found === undefined) return true; // released meanwhile
  const owner = parseLockOwner(found.text);
  const stale =
    owner !== undefined && owner.host === hostname()
      ? !processIsAlive(owner.pid)
      : Date.now() - found.info.mtimeMs > staleLockMs;
  if (!stale) return false;
  // Move the lock aside (only one waiter can), and put it back if what was moved is not the lock judged
  // stale (its holder released it and someone else took the lock meanwhile).
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  const moved = await rename(path, aside).then(
    () => true,
    () => false,
  );
  if (moved) {
    const movedInfo = await stat(aside).catch(() => undefined);
    if (movedInfo !== undefined && movedInfo.ino !== found.info.ino) await link(aside, path).catch(() => undefined);
    await rm(aside, { force: true });
  }
  return true;
}
