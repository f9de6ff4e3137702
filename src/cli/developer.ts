/**
 * The developer commands: `flexgate login`, `flexgate token` and `flexgate api`. They talk to a running
 * Flexgate over HTTP through the SDK (@flexgate/client), never to the database, and keep what they need
 * in profiles: one JSON file per profile under the user's config folder (folder 0700, files 0600).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants as fsConstants, type Stats } from 'node:fs';
import { chmod, type FileHandle, lstat, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  API_BASE_PATH,
  ApiError,
  AuthError,
  AuthorizationCallbackError,
  AuthorizationRequiredError,
  createClient,
  DEFAULT_TIMEOUT_MS,
  FlexgateError,
  type HttpMethod,
  isStoredTokens,
  NetworkError,
  OAuthError,
  RateLimitError,
  type StoredTokens,
  type TokenStore,
  ValidationError,
} from '@flexgate/client';
import { type FileLockOptions, FileLockTimeoutError, releaseHeldLocksSync, withFileLock } from '@flexgate/client/node';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { InputError } from '../oauth/errors.js';
import { isLoopbackHost } from '../oauth/redirect-uris.js';
import { checkHttpUrl, checkUsage, readStdin, UsageError } from './shared.js';

/* ----- profiles ----- */

const PROFILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const PROFILE_VERSION = 1;

/** What a profile file holds. The client secret is there for client-credentials profiles only. */
interface Profile {
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
const profilePath = (name: string) => join(profilesDir(), `${name}.json`);

function parseProfileName(value: string): string {
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
async function checkProfilesFolder(create: boolean): Promise<boolean> {
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
async function loadProfile(name: string): Promise<Profile | undefined> {
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

async function readProfile(name: string): Promise<Profile> {
  const profile = await loadProfile(name);
  if (profile === undefined) {
    throw new InputError(`no profile "${name}" (${profilePath(name)}): run flexgate login first`);
  }
  return profile;
}

/** Writes the profile atomically (temporary file, fsync, rename) with mode 0600 in a 0700 folder. */
async function writeProfile(name: string, profile: Profile): Promise<string> {
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

/* ----- the profile lock ----- */

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

/* ----- options ----- */

/**
 * Checks --base-url: an http(s) URL without credentials, query or fragment (see checkHttpUrl: no message
 * repeats the URL), and https unless the host is this machine or --insecure is given.
 */
function checkBaseUrl(value: string, insecure: boolean): string {
  const url = checkHttpUrl(value, '--base-url');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !insecure) {
    throw new UsageError(
      '--base-url must use https (plain http only for 127.0.0.1, [::1] and localhost, or with --insecure)',
    );
  }
  return url.toString().replace(/\/+$/, '');
}

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
    throw new InvalidArgumentError('must be a whole number of seconds between 1 and 86400');
  }
  return seconds;
}

const parseScopes = (value: string | undefined): string[] =>
  value === undefined ? [] : value.split(/[\s,]+/).filter((scope) => scope !== '');

const profileOption = () =>
  new Option('--profile <name>', 'the profile to use').default('default').argParser(parseProfileName);

/**
 * Usage errors of the developer commands exit 2 (scripts tell "you called me wrong" from "the call failed");
 * help and version still exit 0.
 */
function usageExitCode2(command: Command): Command {
  return command.exitOverride((error) => {
    if (error.exitCode === 1 && error.code.startsWith('commander.')) {
      error.exitCode = 2;
    }
    throw error;
  });
}

/* ----- messages ----- */

const REDIRECT_URI_HINT =
  'register http://127.0.0.1/callback as a redirect URI of the application (any port is then allowed)';

/** One line, without the SDK's class names; never a token or a secret (the SDK's messages carry neither). */
function describeError(error: unknown, baseUrl: string): InputError {
  if (error instanceof InputError) return error;
  // The profile store's own refusals (e.g. a profile replaced meanwhile), wrapped by the SDK.
  if (error instanceof FlexgateError && error.cause instanceof InputError) return error.cause;
  if (error instanceof ValidationError) {
    const fields = Object.entries(error.fields).map(
      ([field, messages]) => `${oneLine(field)}: ${oneLine(messages.join(' '))}`,
    );
    return new InputError(`invalid request (400): ${fields.join('; ')}`);
  }
  if (error instanceof AuthorizationRequiredError) {
    return new InputError(
      `not signed in any more${error.description === undefined ? '' : ` (${oneLine(error.description)})`}: run flexgate login again`,
    );
  }
  if (error instanceof RateLimitError) {
    return new InputError(
      `rate limited (429)${error.retryAfterSeconds === undefined ? '' : `: retry after ${error.retryAfterSeconds} s`}`,
    );
  }
  if (error instanceof ApiError) {
    const text = oneLine(error.description ?? error.code);
    const requestId = error.requestId === undefined ? '' : `, request id ${oneLine(error.requestId)}`;
    return new InputError(`${text} (${error.status} ${oneLine(error.code)}${requestId})`);
  }
  if (error instanceof AuthError) {
    return new InputError(`${oneLine(error.description ?? error.error)} (${error.status} ${oneLine(error.error)})`);
  }
  if (error instanceof OAuthError) {
    return new InputError(`${oneLine(error.description ?? error.error)} (${oneLine(error.error)})`);
  }
  if (error instanceof NetworkError) {
    return cannotReach(baseUrl, error.code ?? (error.reason === 'timeout' ? 'timed out' : error.reason));
  }
  if (error instanceof FlexgateError) return new InputError(oneLine(error.message));
  if (error instanceof Error) return new InputError(oneLine(error.message));
  return new InputError(String(error));
}

const cannotReach = (baseUrl: string, reason: string) => new InputError(`cannot reach ${baseUrl}: ${oneLine(reason)}`);

/**
 * Text from a server (or an error) made safe to print: terminal control characters (C0 but tab and newline,
 * DEL, C1) and bidirectional overrides removed, then one line.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNPRINTABLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const oneLine = (text: string) => text.replace(UNPRINTABLE, '').replace(/\s+/g, ' ').trim();

/**
 * The API's answer as pretty JSON. JSON.stringify escapes C0 controls but not DEL, C1 or line/paragraph
 * separators: escape them too (they only occur inside strings, so the JSON stays the same value).
 */
const printableJson = (value: unknown) =>
  JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/* ----- login: the browser side ----- */

/** The command that opens a URL in the desktop's browser, if there is one. */
function browserCommand(url: string): { command: string; args: string[] } | undefined {
  if (process.platform === 'darwin') return { command: 'open', args: [url] };
  if (process.platform === 'win32') return { command: 'cmd.exe', args: ['/d', '/s', '/c', `start "" "${url}"`] };
  if (process.env.DISPLAY === undefined && process.env.WAYLAND_DISPLAY === undefined) return undefined;
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, 'xdg-open'), fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  return onPath ? { command: 'xdg-open', args: [url] } : undefined;
}

/** Opens the URL in a browser, best effort: a failure only means the user opens it by hand. */
function openBrowser(url: string): void {
  const found = browserCommand(url);
  if (found === undefined) return;
  try {
    const child = spawn(found.command, found.args, {
      stdio: 'ignore',
      detached: true,
      windowsVerbatimArguments: process.platform === 'win32',
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Nothing to do: the URL is printed.
  }
}

/** A spinner on a terminal, one plain line otherwise; `stop` clears the spinner. */
function progress(text: string): { stop(): void } {
  if (process.stderr.isTTY !== true) {
    process.stderr.write(`${text}\n`);
    return { stop() {} };
  }
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const draw = () => {
    process.stderr.write(`\r${frames[frame % frames.length] ?? ''} ${text}`);
    frame += 1;
  };
  draw();
  const timer = setInterval(draw, 80);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      process.stderr.write('\r\x1b[2K');
    },
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function callbackPage(title: string, message: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Flexgate CLI</title>',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}</style>',
    `</head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`,
    '<p>You can close this tab and return to the terminal.</p></body></html>',
  ].join('');
}

function answer(response: ServerResponse, status: number, html: string): Promise<void> {
  return new Promise((resolve) => {
    response.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      connection: 'close',
    });
    response.end(html, () => resolve());
  });
}

/** A listener on 127.0.0.1 with a port the system picks (RFC 8252 §7.3). */
async function listenOnLoopback(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Asks the authorization endpoint about the request before the browser does: an unknown client or an
 * unregistered redirect URI is answered with an error page (never a redirect), which a browser would show
 * while this process waited for a callback that cannot come.
 */
async function preflight(url: string, baseUrl: string, redirectUri: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
      signal: AbortSignal.timeout(DEFAULT_TIMEOUT_MS), // the SDK's timeout for its own requests
    });
  } catch (error) {
    // As the SDK's NetworkError would say it: the system error code (undici nests it), else what happened.
    const cause = (error as { cause?: { code?: unknown } }).cause;
    const timedOut = (error as { name?: unknown }).name === 'TimeoutError';
    throw cannotReach(baseUrl, timedOut ? 'timed out' : typeof cause?.code === 'string' ? cause.code : 'failed');
  }
  const html = await response.text().catch(() => '');
  // An error the server sends to the redirect URI at once (an unknown scope…) fails now, not after the browser.
  const location = response.headers.get('location');
  if (location?.startsWith(`${redirectUri}?`) === true) {
    const params = new URL(location).searchParams;
    const error = params.get('error');
    if (error !== null) {
      throw new InputError(
        `the server refused the authorization request: ${oneLine(params.get('error_description') ?? error)} (${oneLine(error)})`,
      );
    }
  }
  if (response.status < 400) return;
  const alert = /role="alert"[^>]*>([\s\S]*?)<\/(?:p|div|section)>/i.exec(html)?.[1];
  const text = oneLine(
    oneLine((alert ?? '').replace(/<[^>]*>/g, ' ')).replace(/&#?\w+;/g, (entity) =>
      entity === '&amp;' ? '&' : entity === '&quot;' ? '"' : entity === '&#39;' ? "'" : entity,
    ),
  );
  const reason = text === '' ? `the authorization endpoint answered ${response.status}` : text;
  if (/redirect_uri/i.test(reason))
    throw new InputError(`the server refused the redirect URI (${reason}): ${REDIRECT_URI_HINT}`);
  throw new InputError(`the server refused the authorization request: ${reason}`);
}

interface LoginFlags {
  baseUrl?: string;
  clientId?: string;
  scope?: string;
  profile: string;
  browser: boolean;
  timeout: number;
  clientCredentials?: boolean;
  clientSecretStdin?: boolean;
  insecure?: boolean;
}

async function readSecretFromStdin(): Promise<string> {
  const secret = await readStdin('--client-secret-stdin');
  if (secret === '') throw new InputError('--client-secret-stdin: standard input was empty');
  if (/[\r\n]/.test(secret)) throw new InputError('--client-secret-stdin: the secret must be one line');
  return secret;
}

/** What `login` needs from its options, checked before anything is read or sent. */
interface LoginSettings {
  baseUrl: string;
  clientId: string;
  scopes: string[];
}

/** The usage checks of `login` (UsageError: exit 2). */
function checkLoginFlags(flags: LoginFlags): LoginSettings {
  const baseUrl = checkBaseUrl(flags.baseUrl ?? '', flags.insecure === true);
  const scopes = parseScopes(flags.scope);
  if (flags.clientCredentials === true) {
    if (flags.clientSecretStdin !== true) {
      throw new UsageError(
        '--client-credentials needs --client-secret-stdin (the secret is never read from arguments)',
      );
    }
  } else {
    if (flags.clientSecretStdin === true) throw new UsageError('--client-secret-stdin goes with --client-credentials');
    if (scopes.length === 0) throw new UsageError('--scope is required: the scopes to ask the user for');
  }
  return { baseUrl, clientId: flags.clientId ?? '', scopes };
}

async function loginWithClientCredentials(flags: LoginFlags, { baseUrl, clientId, scopes }: LoginSettings) {
  const clientSecret = await readSecretFromStdin();
  const settings: Omit<Profile, 'tokens'> = {
    version: PROFILE_VERSION,
    baseUrl,
    clientId,
    clientSecret,
    scopes,
    grant: 'client_credentials',
  };
  const client = createClient({
    baseUrl,
    clientId,
    clientSecret,
    scopes,
    tokenStore: new ProfileTokenStore(flags.profile, settings, false),
  });
  try {
    // Proves the credentials; the store writes the profile with the first token.
    await client.getAccessToken();
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_client') {
      throw new InputError(
        `the server refused the client credentials (${oneLine(error.description ?? 'invalid_client')})`,
      );
    }
    throw describeError(error, baseUrl);
  }
  process.stderr.write(
    `Signed in to ${baseUrl} with client credentials of ${clientId}; saved profile "${flags.profile}" (${profilePath(flags.profile)})\n`,
  );
}

async function loginInBrowser(flags: LoginFlags, { baseUrl, clientId, scopes }: LoginSettings): Promise<void> {
  const settings: Omit<Profile, 'tokens'> = {
    version: PROFILE_VERSION,
    baseUrl,
    clientId,
    scopes,
    grant: 'authorization_code',
  };
  const store = new ProfileTokenStore(flags.profile, settings, false);
  const client = createClient({ baseUrl, clientId, scopes, tokenStore: store });

  let onCallback: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) => {
    response.writeHead(503).end();
  };
  const { server, port } = await listenOnLoopback((request, response) => onCallback(request, response));
  const redirectUri = `http://127.0.0.1:${port}/callback`;
  let spinner: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    let started: Awaited<ReturnType<typeof client.authorizeUrl>>;
    try {
      started = await client.authorizeUrl({ scopes, redirectUri });
    } catch (error) {
      throw describeError(error, baseUrl);
    }
    const { url, pending } = started;
    await preflight(url, baseUrl, redirectUri);

    const done = new Promise<void>((resolve, reject) => {
      const handle = (request: IncomingMessage, response: ServerResponse) => {
        const callbackUrl = new URL(request.url ?? '/', redirectUri);
        if (request.method !== 'GET' || callbackUrl.pathname !== '/callback') {
          response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
          return;
        }
        // One callback at a time; a later one (a reload) finds the flow finished.
        onCallback = (_request, late) => {
          void answer(late, 409, callbackPage('Already handled', 'This sign-in has already been handled.'));
        };
        // The code exchange writes the profile: under its lock, so that a `token` or `api` renewing the old
        // grant at the same time cannot write its tokens over the new ones (or the other way round).
        store
          .lock(() => client.handleCallback(callbackUrl.toString(), pending))
          .then(
            async () => {
              await answer(response, 200, callbackPage('Signed in', 'The Flexgate CLI is now signed in.'));
              resolve();
            },
            async (error: unknown) => {
              if (error instanceof AuthorizationCallbackError && error.error === 'state_mismatch') {
                // Not the answer to this request (a stale tab, or another local page probing the port): ignore it.
                await answer(
                  response,
                  400,
                  callbackPage('Sign-in failed', 'This response does not belong to the sign-in in progress.'),
                );
                onCallback = handle;
                return;
              }
              const failure =
                error instanceof AuthorizationCallbackError && error.error === 'access_denied'
                  ? new InputError('sign-in was denied (access_denied): nothing was saved')
                  : describeError(error, baseUrl);
              await answer(response, 400, callbackPage('Sign-in failed', failure.message));
              reject(failure);
            },
          );
      };
      onCallback = handle;
    });
    const timedOut = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new InputError(`timed out after ${flags.timeout} s waiting for the sign-in in the browser`)),
        flags.timeout * 1000,
      );
    });

    process.stderr.write(`Open this URL in your browser to sign in: ${url}\n`);
    const interactive = process.stderr.isTTY === true && process.stdin.isTTY === true;
    const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
    if (flags.browser && interactive && !ci) openBrowser(url);
    spinner = progress(`Waiting for the sign-in in the browser (up to ${flags.timeout} s; Ctrl+C to cancel)…`);
    await Promise.race([done, timedOut]);
  } finally {
    spinner?.stop();
    clearTimeout(timer);
    await closeServer(server);
  }
  process.stderr.write(
    `Signed in to ${baseUrl} as ${clientId}; saved profile "${flags.profile}" (${profilePath(flags.profile)})\n`,
  );
}

/* ----- token and api ----- */

function clientFor(name: string, profile: Profile) {
  const { tokens: _tokens, ...settings } = profile;
  return createClient({
    baseUrl: profile.baseUrl,
    clientId: profile.clientId,
    ...(profile.clientSecret === undefined ? {} : { clientSecret: profile.clientSecret }),
    scopes: profile.scopes,
    grant: profile.grant,
    tokenStore: new ProfileTokenStore(name, settings, true),
  });
}

/** The methods `api` takes (the SDK's HttpMethod, as a list to check the argument against). */
const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

interface ApiFlags {
  data?: string;
  profile: string;
  idempotencyKey?: string;
}

async function readData(value: string): Promise<unknown> {
  let text = value;
  if (value.startsWith('@')) {
    const file = value.slice(1);
    if (file === '') throw new UsageError('--data @file needs a file name (or @- for standard input)');
    if (file === '-') {
      text = await readStdin('--data @-');
    } else {
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new UsageError(
          `--data ${value}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
      }
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Never V8's message: it quotes the input (which may hold secrets).
    const message = error instanceof Error ? error.message : '';
    const position =
      /at position (\d+)/.exec(message)?.[1] ?? (/end of JSON input/i.test(message) ? String(text.length) : undefined);
    throw new UsageError(`--data is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`);
  }
}

function parseApiPath(raw: string): { path: string; query: Record<string, string> } {
  if (!raw.startsWith('/')) throw new UsageError(`PATH must start with /, e.g. /contacts (got ${raw})`);
  const url = new URL(raw, 'http://path.invalid');
  let path = url.pathname;
  if (path === API_BASE_PATH || path.startsWith(`${API_BASE_PATH}/`)) path = path.slice(API_BASE_PATH.length) || '/';
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) {
    if (Object.hasOwn(query, name)) throw new UsageError(`the query parameter ${name} is repeated`);
    query[name] = value;
  }
  return { path, query };
}

/* ----- registration ----- */

export function registerDeveloperCommands(program: Command): void {
  usageExitCode2(
    program
      .command('login')
      .description('sign in to a Flexgate server and save the tokens in a profile (for flexgate token / api)')
      .addOption(
        new Option('--base-url <url>', 'the Flexgate server, e.g. https://flexgate.example.com').makeOptionMandatory(),
      )
      .option(
        '--insecure',
        'allow a plain http:// --base-url on a host other than 127.0.0.1, [::1] or localhost (tokens travel unencrypted)',
      )
      .requiredOption('--client-id <id>', 'the client id of your application')
      .option('--scope <scopes>', 'the scopes to ask for, space-separated, e.g. "read:contacts write:contacts"')
      .addOption(profileOption())
      .option('--no-browser', 'only print the URL to open, do not start a browser')
      .addOption(
        new Option('--timeout <seconds>', 'how long to wait for the sign-in in the browser')
          .default(300)
          .argParser(parseTimeout),
      )
      .option('--client-credentials', 'sign in as the application itself (client credentials grant), no browser')
      .option('--client-secret-stdin', 'read the client secret from standard input (with --client-credentials)')
      .addHelpText(
        'after',
        [
          '',
          'Signing in as a user (authorization code flow with PKCE): the CLI listens on 127.0.0.1 on a free port,',
          'prints the URL to open and opens your browser (not with --no-browser, in CI or without a terminal).',
          'Add this redirect URI to your application first; any port is allowed for it (RFC 8252):',
          '  http://127.0.0.1/callback',
          '',
          'The server must be https, except on 127.0.0.1, [::1] and localhost; --insecure allows http elsewhere.',
          '',
          'Profiles are JSON files (mode 0600) in $FLEXGATE_CONFIG_DIR/profiles, else',
          '$XDG_CONFIG_HOME/flexgate/profiles, else ~/.config/flexgate/profiles. A profile that other users',
          'can read is refused (chmod 600 it).',
          '',
          'Examples:',
          '  flexgate login --base-url https://flexgate.example.com --client-id app_123 \\',
          '    --scope "read:contacts write:contacts"',
          '  printf %s "$CLIENT_SECRET" | flexgate login --client-credentials --base-url https://flexgate.example.com \\',
          '    --client-id app_123 --client-secret-stdin --profile ci',
        ].join('\n'),
      )
      .action(async (flags: LoginFlags, command: Command) => {
        const settings = await checkUsage(command, () => checkLoginFlags(flags));
        if (flags.clientCredentials === true) await loginWithClientCredentials(flags, settings);
        else await loginInBrowser(flags, settings);
      }),
  );

  usageExitCode2(
    program
      .command('token')
      .description('print a valid access token of a profile (refreshed when needed)')
      .addOption(profileOption())
      .addHelpText(
        'after',
        [
          '',
          'Only the token goes to standard output, so it can be used in scripts:',
          '  curl -H "Authorization: Bearer $(flexgate token)" https://flexgate.example.com/api/v0.0.1/me',
        ].join('\n'),
      )
      .action(async (flags: { profile: string }) => {
        const profile = await readProfile(flags.profile);
        // A renewal runs under the profile's lock (ProfileTokenStore.lock).
        const token = await clientFor(flags.profile, profile)
          .getAccessToken()
          .catch((error: unknown) => {
            throw describeError(error, profile.baseUrl);
          });
        process.stdout.write(`${token}\n`);
      }),
  );

  usageExitCode2(
    program
      .command('api')
      .description('call the REST API with the token of a profile and print the JSON answer')
      .argument('<method>', `the HTTP method: ${METHODS.join(', ')}`)
      .argument('<path>', `the path below ${API_BASE_PATH}, with an optional query, e.g. "/contacts?limit=10"`)
      .option('--data <json>', 'the JSON body, or @file to read it from a file (@- for standard input)')
      .option('--idempotency-key <key>', 'sent as Idempotency-Key (a repeated create returns the first result)')
      .addOption(profileOption())
      .addHelpText(
        'after',
        [
          '',
          "Exit codes: 0 for a 2xx answer, 1 when the call fails (the API's message on standard error),",
          '2 when the command is used wrongly (e.g. --data that is not JSON).',
          '',
          'Examples:',
          '  flexgate api GET /me',
          '  flexgate api GET "/contacts?limit=10"',
          '  flexgate api POST /contacts --data \'{"name":"Ada"}\' --idempotency-key 7f9c…',
          '  flexgate api PATCH /contacts/ct_123 --data @contact.json',
        ].join('\n'),
      )
      .action(async (rawMethod: string, rawPath: string, flags: ApiFlags, command: Command) => {
        const { method, path, query, body } = await checkUsage(command, async () => {
          const upper = rawMethod.toUpperCase();
          const method = METHODS.find((known) => known === upper);
          if (method === undefined) {
            throw new UsageError(`METHOD must be one of ${METHODS.join(', ')} (got ${rawMethod})`);
          }
          const body = flags.data === undefined ? undefined : await readData(flags.data);
          return { method, ...parseApiPath(rawPath), body };
        });
        const profile = await readProfile(flags.profile);
        const client = clientFor(flags.profile, profile);
        try {
          // Every renewal (the refresh after a 401 included) runs under the profile's lock.
          const response = await client.request<unknown>({
            operationId: `${method} ${path}`,
            method,
            path,
            ...(Object.keys(query).length === 0 ? {} : { query }),
            ...(body === undefined ? {} : { body }),
            ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
          });
          if (response.data !== undefined) process.stdout.write(`${printableJson(response.data)}\n`);
        } catch (error) {
          throw describeError(error, profile.baseUrl);
        }
      }),
  );
}
