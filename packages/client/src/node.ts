/**
 * `@flexgate/client/node`: Node-only helpers. {@link FileTokenStore} keeps tokens in a JSON file that only
 * its owner can read, written atomically so that a crash never leaves a half-written (or lost) refresh token.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FlexgateError } from './errors.js';
import { type FileLockOptions, withFileLock } from './file-lock.js';
import { isStoredTokens, type StoredTokens, type TokenStore } from './token-store.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /**
   * A lock file whose holder cannot be checked (another host, or a file written half-way) is taken over once
   * its mtime is older than this, in milliseconds (default 30 000); one of a dead process of this host at once.
   * A live holder touches its lock file every third of this time, however long it works.
   */
  staleLockMs?: number;
  /**
   * How long {@link FileTokenStore.lock} waits for another holder before it throws a
   * {@link FileLockTimeoutError}, in milliseconds (default `2 * staleLockMs + 15 000`).
   */
  lockWaitMs?: number;
}

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
  readonly #lockOptions: FileLockOptions;

  /**
   * @param path - Where to keep the tokens, e.g. `~/.config/myapp/flexgate-tokens.json`.
   * @param options - See {@link FileTokenStoreOptions}.
   */
  constructor(path: string, options: FileTokenStoreOptions = {}) {
    this.path = resolve(path);
    this.#lockOptions = {
      staleLockMs: options.staleLockMs ?? 30_000,
      ...(options.lockWaitMs === undefined ? {} : { waitMs: options.lockWaitMs }),
    };
  }

  /**
   * Runs `work` holding the exclusive lock file `<path>.lock`, through {@link withFileLock}: created with
   * `O_EXCL` and naming its holder; other holders are waited for with a short backoff (up to `lockWaitMs`);
   * a lock file left by a crashed holder is taken over. The lock file is removed when `work` settles,
   * whatever the outcome.
   */
  async lock<T>(work: () => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    return withFileLock(`${this.path}.lock`, work, this.#lockOptions);
  }

  /** @inheritDoc */
  async load(): Promise<StoredTokens | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new FlexgateError(`Cannot read the token file ${this.path}${code === undefined ? '' : ` (${code})`}`, {
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new FlexgateError(`The token file ${this.path} is not valid JSON`);
    }
    if (!isStoredTokens(parsed)) throw new FlexgateError(`The token file ${this.path} does not hold tokens`);
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

/** The lock file {@link FileTokenStore.lock} takes, for other work that must run in one process at a time. */
export { type FileLockOptions, FileLockTimeoutError, releaseHeldLocksSync, withFileLock } from './file-lock.js';

/** The token types, for stores written against this entry point. */
export type { StoredTokens, TokenStore } from './token-store.js';
