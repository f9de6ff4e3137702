import type { StoredTokens, TokenStore } from '@flexgate/client';
import { type FileLockOptions, FileLockTimeoutError, releaseHeldLocksSync, withFileLock } from '@flexgate/client/node';
import { InputError } from '../../oauth/errors.js';
import { checkProfilesFolder, loadProfile, type Profile, profilePath, writeProfile } from './profiles.js';

/**
 * How many profile locks this process holds or waits for: while any, a Ctrl+C or a SIGTERM removes the held
 * ones and exits (the SDK's withFileLock installs no signal handlers of its own).
 */
let lockUsers = 0;

/** Removes the lock files this process holds, then exits (130 after SIGINT, 143 after SIGTERM). */
function releaseHeldLocksAndExit(code: number): void {
  releaseHeldLocksSync();
  process.exit(code);
}
const onSigint = () => releaseHeldLocksAndExit(130);
const onSigterm = () => releaseHeldLocksAndExit(143);

/** Runs `work` with the signal handlers above installed (once, however many locks run at a time). */
async function withSignalCleanup<T>(work: () => Promise<T>): Promise<T> {
  if (lockUsers === 0) {
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
  }
  lockUsers += 1;
  try {
    return await work();
  } finally {
    lockUsers -= 1;
    if (lockUsers === 0) {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
  }
}

/**
 * A TokenStore that keeps the tokens inside the profile file, next to the settings they belong to: a save
 * writes the whole profile (so a login stores nothing until it has tokens), a load reads the newest file
 * (another `flexgate` process may have rotated the refresh token meanwhile).
 *
 * Its {@link ProfileTokenStore.lock} makes every renewal exclusive across processes (the SDK renews inside
 * it, the refresh after a 401 included): Flexgate rotates refresh tokens and treats a reused one as theft
 * (it revokes the whole grant). The lock is the file `<profile>.json.lock`, taken with the SDK's withFileLock
 * (created with O_EXCL and holding `{pid, host, createdAt, nonce}`; the holder keeps its mtime recent. A lock
 * of a dead process of this host is taken over at once; one of a live process never; one of another host once
 * its mtime is stale). A Ctrl+C or a SIGTERM removes it before exiting.
 */
export class ProfileTokenStore implements TokenStore {
  readonly #lockOptions: FileLockOptions;

  constructor(
    private readonly name: string,
    private readonly settings: Omit<Profile, 'tokens'>,
    /**
     * True for `token` and `api`: the profile's tokens are used, and a save keeps the profile's settings as
     * they are in the file then. False inside `login`: nothing is read, and a save writes this login's settings.
     */
    private readonly useExisting: boolean,
    /** Passed to the SDK's withFileLock (for tests; its defaults suit the CLI). */
    lockOptions: FileLockOptions = {},
  ) {
    this.#lockOptions = lockOptions;
  }

  async load(): Promise<StoredTokens | undefined> {
    if (!this.useExisting) return undefined;
    const profile = await loadProfile(this.name);
    if (profile === undefined) return undefined;
    this.#checkSameLogin(profile);
    return profile.tokens;
  }

  async save(tokens: StoredTokens): Promise<void> {
    if (!this.useExisting) {
      await writeProfile(this.name, { ...this.settings, tokens });
      return;
    }
    // The settings as they are now, never the ones read at start: a profile replaced meanwhile is kept.
    const profile = await loadProfile(this.name);
    if (profile === undefined) throw new InputError(`the profile "${this.name}" was removed meanwhile`);
    this.#checkSameLogin(profile);
    const { tokens: _old, ...settings } = profile;
    await writeProfile(this.name, { ...settings, tokens });
  }

  async clear(): Promise<void> {
    // A login has written nothing yet; its failure leaves the profile as it was.
    if (!this.useExisting) return;
    const profile = await loadProfile(this.name);
    if (profile === undefined) return;
    this.#checkSameLogin(profile);
    const { tokens: _old, ...settings } = profile;
    await writeProfile(this.name, settings);
  }

  /** The profile still belongs to the login these tokens came from (another `flexgate login` may have run). */
  #checkSameLogin(profile: Profile): void {
    if (
      profile.baseUrl !== this.settings.baseUrl ||
      profile.clientId !== this.settings.clientId ||
      profile.grant !== this.settings.grant
    ) {
      throw new InputError(`the profile "${this.name}" was replaced by another flexgate login meanwhile: run again`);
    }
  }

  async lock<T>(work: () => Promise<T>): Promise<T> {
    await checkProfilesFolder(true);
    const path = `${profilePath(this.name)}.lock`;
    return withSignalCleanup(async () => {
      try {
        return await withFileLock(path, work, this.#lockOptions);
      } catch (error) {
        if (error instanceof FileLockTimeoutError && error.lockPath === path) {
          throw new InputError(
            `the profile "${this.name}" is locked by another flexgate (${path}; remove it if no flexgate is running)`,
          );
        }
        throw error;
      }
    });
  }

  toString(): string {
    return `ProfileTokenStore(${this.name})`;
  }

  toJSON(): Record<string, never> {
    return {};
  }
}
