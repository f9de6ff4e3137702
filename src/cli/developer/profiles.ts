import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { chmod, type FileHandle, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isStoredTokens, type StoredTokens } from '@flexgate/client';
import { InvalidArgumentError } from 'commander';
import { InputError } from '../../oauth/errors.js';

const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
export const PROFILE_VERSION = 1;

/** What a profile file holds. The client secret is there for client-credentials profiles only. */
export interface Profile {
  version: typeof PROFILE_VERSION;
  baseUrl: string;
  clientId: string;
  clientSecret?: string;
  scopes: string[];
  grant: 'authorization_code' | 'client_credentials';
  tokens?: StoredTokens;
}

/** FLEXGATE_CONFIG_DIR, else $XDG_CONFIG_HOME/flexgate, else ~/.config/flexgate. */
function configDir(): string {
  const explicit = process.env.FLEXGATE_CONFIG_DIR;
  if (explicit !== undefined && explicit !== '') return explicit;
  const xdg = process.env.XDG_CONFIG_HOME;
  // The XDG spec ignores a relative $XDG_CONFIG_HOME.
  if (xdg?.startsWith('/') === true) return join(xdg, 'flexgate');
  return join(homedir(), '.config', 'flexgate');
}

const profilesDir = () => join(configDir(), 'profiles');
export const profilePath = (name: string) => join(profilesDir(), `${name}.json`);

export function parseProfileName(value: string): string {
  if (!PROFILE_NAME.test(value)) {
    throw new InvalidArgumentError('must be 1-64 characters: letters, digits, . _ - (not starting with . or -)');
  }
  return value;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function parseProfile(text: string, path: string): Profile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`the profile ${path} is not valid JSON: run flexgate login again`);
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const valid =
    record.version === PROFILE_VERSION &&
    typeof record.baseUrl === 'string' &&
    typeof record.clientId === 'string' &&
    (record.clientSecret === undefined || typeof record.clientSecret === 'string') &&
    isStringArray(record.scopes) &&
    (record.grant === 'authorization_code' || record.grant === 'client_credentials') &&
    (record.tokens === undefined || isStoredTokens(record.tokens));
  if (!valid) throw new InputError(`the profile ${path} is not a Flexgate profile: run flexgate login again`);
  return record as unknown as Profile;
}

/** The current user's uid; undefined where there is none (Windows: no POSIX owners and modes to check). */
const currentUid = (): number | undefined => process.getuid?.();

/**
 * Checks a folder that holds profiles: a real folder (not a symbolic link) of the current user. A missing
 * one is created (0700) with `create`, else reported as false.
 */
async function checkFolder(path: string, create: boolean): Promise<boolean> {
  let info: Stats;
  try {
    info = await lstat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new InputError(`cannot use the folder ${path}: ${code ?? (error as Error).message}`);
    if (!create) return false;
    await mkdir(path, { recursive: true, mode: 0o700 });
    info = await lstat(path);
  }
  if (info.isSymbolicLink()) {
    throw new InputError(`the folder ${path} is a symbolic link: refusing to keep profiles there`);
  }
  if (!info.isDirectory()) throw new InputError(`${path} is not a folder: refusing to keep profiles there`);
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) {
    throw new InputError(`the folder ${path} belongs to another user: refusing to keep profiles there`);
  }
  return true;
}

/** Checks the config and profiles folders (creating them with `create`); false when they do not exist. */
export async function checkProfilesFolder(create: boolean): Promise<boolean> {
  if (!(await checkFolder(configDir(), create))) return false;
  const dir = profilesDir();
  if (!(await checkFolder(dir, create))) return false;
  // mkdir leaves an existing folder as it was: tighten it (it holds tokens and secrets).
  if (create) await chmod(dir, 0o700);
  return true;
}

/** A profile holds tokens and maybe a secret: refuse one that other users can read or that is not ours. */
function checkProfileFile(path: string, info: Stats): void {
  if (!info.isFile()) throw new InputError(`the profile ${path} is not a regular file`);
  const uid = currentUid();
  if (uid === undefined) return;
  if (info.uid !== uid) throw new InputError(`the profile ${path} belongs to another user: refusing to use it`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
    throw new InputError(`the profile ${path} is accessible to other users (mode ${mode}): run chmod 600 ${path}`);
  }
}

/** The profile, or undefined when there is none; never follows a symbolic link. */
export async function loadProfile(name: string): Promise<Profile | undefined> {
  if (!(await checkProfilesFolder(false))) return undefined;
  const path = profilePath(name);
  let file: FileHandle;
  try {
    file = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new InputError(`the profile ${path} is a symbolic link: refusing to use it`);
    throw new InputError(`cannot read the profile ${path}: ${code ?? (error as Error).message}`);
  }
  let text: string;
  try {
    checkProfileFile(path, await file.stat());
    text = await file.readFile('utf8');
  } finally {
    await file.close();
  }
  return parseProfile(text, path);
}

export async function readProfile(name: string): Promise<Profile> {
  const profile = await loadProfile(name);
  if (profile === undefined) {
    throw new InputError(`no profile "${name}" (${profilePath(name)}): run flexgate login first`);
  }
  return profile;
}

/** Writes the profile atomically (temporary file, fsync, rename) with mode 0600 in a 0700 folder. */
export async function writeProfile(name: string, profile: Profile): Promise<string> {
  await checkProfilesFolder(true);
  const path = profilePath(name);
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await file.writeFile(`${JSON.stringify(profile, null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
    renamed = true;
  } finally {
    if (!renamed) await rm(temporary, { force: true });
  }
  return path;
}
