/**
 * `@flexgate/client/node`: Node-only helpers. {@link FileTokenStore} keeps tokens in a JSON file that only
 * its owner can read, written atomically so that a crash never leaves a half-written (or lost) refresh token.
 */
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, open, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isStoredTokens, type StoredTokens, type TokenStore } from './token-store.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /**
   * A lock file older than this (its holder crashed) is taken over, in milliseconds (default 30 000). A live
   * holder touches its lock file every third of this time, however long it works.
   */
  staleLockMs?: number;
}

/** How long to wait between attempts to take the lock: from the first to the last, with jitter. */
const LOCK_RETRY_MIN_MS = 5;
const LOCK_RETRY_MAX_MS = 100;

/**
 * Stores tokens in a JSON file (mode 0600, its folder created 0700). Every save writes a temporary file in
 * the same folder and renames it over the old one, so readers see the old tokens or the new ones, never a
 * mix. Another process (or the next run) reading the file continues with the newest refresh token.
 *
 * Several clients and processes may share the file: {@link FileTokenStore.lock} takes an exclusive lock file
 * (`<path>.lock`) so that one of them renews at a time.
 */
export class FileTokenStore implements TokenStore {
  /** The file's absolute path. */
  readonly path: string;
  /** Saves and clears of this instance, one after another. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #staleLockMs: number;

  /**
   * @param path - Where to keep the tokens, e.g. `~/.config/myapp/flexgate-tokens.json`.
   * @param options - See {@link FileTokenStoreOptions}.
   */
  constructor(path: string, options: FileTokenStoreOptions = {}) {
    this.path = resolve(path);
    this.#staleLockMs = options.staleLockMs ?? 30_000;
  }

  /**
   * Runs `work` holding the exclusive lock file `<path>.lock` (created with `O_EXCL`; other holders are
   * waited for with a short backoff; a lock file left by a crashed holder is taken over once it is older
   * than `staleLockMs`). The lock file is removed when `work` settles, whatever the outcome.
   */
  async lock<T>(work: () => Promise<T>): Promise<T> {
    const lockPath = `${this.path}.lock`;
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const handle = await this.#acquire(lockPath);
    // Keep the lock's mtime recent while the work lasts, so that it never looks stale to others.
    const heartbeat = setInterval(
      () => {
        const at = new Date();
        utimes(lockPath, at, at).catch(() => undefined);
      },
      Math.max(1, Math.floor(this.#staleLockMs / 3)),
    );
    heartbeat.unref();
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
      await handle.close().catch(() => undefined);
      await rm(lockPath, { force: true });
    }
  }

  async #acquire(lockPath: string): Promise<Awaited<ReturnType<typeof open>>> {
    let delay = LOCK_RETRY_MIN_MS;
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx', 0o600);
        await handle.writeFile(`${process.pid}\n`, 'utf8').catch(() => undefined);
        return handle;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const info = await stat(lockPath).catch(() => undefined);
      if (info === undefined) continue; // released meanwhile: try again at once
      if (Date.now() - info.mtimeMs > this.#staleLockMs) {
        // The holder crashed: take over. Move the lock aside (only one waiter can), and if what was moved is
        // not the stale lock (another waiter took over first), put it back.
        const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
        const moved = await rename(lockPath, aside).then(
          () => true,
          () => false,
        );
        if (moved) {
          const movedInfo = await stat(aside).catch(() => undefined);
          if (movedInfo !== undefined && movedInfo.ino !== info.ino) await link(aside, lockPath).catch(() => undefined);
          await rm(aside, { force: true });
        }
        continue;
      }
      await new Promise((done) => setTimeout(done, delay * (0.5 + Math.random())));
      delay = Math.min(delay * 2, LOCK_RETRY_MAX_MS);
    }
  }

  /** @inheritDoc */
  async load(): Promise<StoredTokens | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`The token file ${this.path} is not valid JSON`);
    }
    if (!isStoredTokens(parsed)) throw new Error(`The token file ${this.path} does not hold tokens`);
    return parsed;
  }

  /** @inheritDoc */
  save(tokens: StoredTokens): Promise<void> {
    return this.#serialize(() => this.#write(tokens));
  }

  /** @inheritDoc */
  clear(): Promise<void> {
    return this.#serialize(() => rm(this.path, { force: true }));
  }

  async #write(tokens: StoredTokens): Promise<void> {
    const folder = dirname(this.path);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.chmod(0o600); // whatever the umask
      await file.writeFile(`${JSON.stringify(tokens)}\n`, 'utf8');
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(temporary, { force: true });
      throw error;
    }
    await file.close();
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await chmod(this.path, 0o600).catch(() => undefined);
  }

  #serialize(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Shows the path only. */
  toString(): string {
    return `FileTokenStore(${this.path})`;
  }
}

/** The token types, for stores written against this entry point. */
export type { StoredTokens, TokenStore } from './token-store.js';
