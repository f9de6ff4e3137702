/**
 * Runs the built CLI (`node dist/cli/main.js`) as a child process, the way a user or a script does: no
 * terminal, stdin a pipe (closed at once unless a test feeds it), FLEXGATE_* variables of the test runner
 * removed, and the working directory a temporary folder (so a forgotten --data cannot touch the repository).
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'main.js');

const DEFAULT_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------------------
// Build

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function distIsStale(): boolean {
  try {
    return statSync(CLI_ENTRY).mtimeMs < newestMtime(join(REPO_ROOT, 'src'));
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `npm test` builds before running the suites; a direct `vitest run test/cli` may find dist/ older than
 * src/. Then this builds it once (a lock directory keeps parallel test files from building together).
 */
export async function ensureCliBuilt(): Promise<void> {
  if (!distIsStale()) return;
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, 'flexgate-cli-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than a build can take was left by a killed run.
      const lockAge = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (lockAge > 120_000) rmSync(lock, { force: true, recursive: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      await sleep(100);
    }
  }
  try {
    if (!distIsStale()) return;
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
        { cwd: REPO_ROOT },
        (error, stdout, stderr) =>
          error === null ? resolve() : reject(new Error(`build failed:\n${stdout}${stderr}`)),
      );
    });
  } finally {
    rmSync(lock, { force: true, recursive: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Environment and folders

/** The runner's environment without any FLEXGATE_* variable (a developer's exports must not leak in). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('FLEXGATE_') && name !== 'NODE_OPTIONS') env[name] = value;
  }
  return { ...env, CI: 'true', NO_COLOR: '1', ...extra };
}

export interface Sandbox {
  /** Working directory of the child processes. */
  dir: string;
  /** The SQLite data folder passed as --data. */
  dataDir: string;
  remove(): Promise<void>;
}

export async function createSandbox(): Promise<Sandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'flexgate-cli-'));
  const dataDir = join(dir, 'data');
  return { dir, dataDir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Resolves once nothing accepts connections on the port any more. */
export async function waitUntilRefused(port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    if (Date.now() > deadline) throw new Error(`port ${port} still accepts connections after ${timeoutMs} ms`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------------------
// One-shot commands

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. Without it stdin is closed at once (no terminal, no input). */
  input?: string;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

const children = new Set<ChildProcessWithoutNullStreams>();

function spawnCli(args: readonly string[], options: RunOptions): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [CLI_ENTRY, ...args], {
    cwd: options.cwd ?? tmpdir(),
    env: cleanEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stdin.on('error', () => {});
  child.stdin.end(options.input);
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  return child;
}

/** A CLI command running in the background, its output collected as it comes. */
export interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr (checked on every chunk); rejects if it exits first. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves once the command has exited and its output has been read to the end. */
  exited: Promise<CliResult>;
}

/** Starts `flexgate <args>` without waiting for it (killed by {@link killLeftoverChildren} if still running). */
export function startCli(args: readonly string[], options: RunOptions = {}): CliProcess {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  let closed = false;
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    for (const watcher of watchers) watcher();
  });
  // 'close', not 'exit': by then stdout and stderr have been read to the end.
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      closed = true;
      resolve({ code, signal, stdout, stderr });
      for (const watcher of watchers) watcher();
    });
  });
  const waitForStderr = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr);
        if (match === null && !closed) return;
        watchers.delete(check);
        if (match !== null) resolve(match);
        else reject(new Error(`flexgate ${args.join(' ')} exited before printing ${pattern}:\n${stderr}`));
      };
      watchers.add(check);
      check();
    });
  return { child, stdout: () => stdout, stderr: () => stderr, waitForStderr, exited };
}

/** Runs `flexgate <args>` to completion. */
export async function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const cli = startCli(args, options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cli.child.kill('SIGKILL');
      reject(
        new Error(`flexgate ${args.join(' ')} did not exit within ${timeoutMs} ms\n${cli.stdout()}\n${cli.stderr()}`),
      );
    }, timeoutMs);
  });
  try {
    return await Promise.race([cli.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses stdout of a `--json` command, with the output in the message if it is not JSON. */
export function parseJson<T>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The server as a child process

export interface ServeProcess {
  child: ChildProcessWithoutNullStreams;
  port: number;
  baseUrl: string;
  stdout(): string;
  stderr(): string;
  /** stdout lines that are pino JSON log records, parsed. */
  logRecords(): Record<string, unknown>[];
  /** Resolves when stdout satisfies `test` (checked on every chunk). */
  waitForStdout(test: (stdout: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code and signal; rejects after `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited after 5 s. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ServeOptions {
  args?: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Wait for this text on stdout instead of the "Flexgate is listening" log record. */
  readyText?: string;
}

/**
 * Starts `flexgate serve --data <dataDir> --port <free port> --issuer http://127.0.0.1:<port>` and resolves
 * once it listens.
 */
export async function startServe(dataDir: string, options: ServeOptions = {}): Promise<ServeProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await spawnServe(dataDir, port, options);
    } catch (error) {
      // Another process may take the free port before the server binds it: try another one.
      if (attempt < 3 && error instanceof Error && error.message.includes('EADDRINUSE')) continue;
      throw error;
    }
  }
}

async function spawnServe(dataDir: string, port: number, options: ServeOptions): Promise<ServeProcess> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawnCli(
    ['serve', '--data', dataDir, '--port', String(port), '--issuer', baseUrl, ...(options.args ?? [])],
    { ...options, env: { FLEXGATE_LOG_LEVEL: 'info', ...options.env } },
  );
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    for (const watcher of watchers) watcher();
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // 'close', not 'exit': by then stdout and stderr have been read to the end.
  let closed = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => {
      closed = true;
      resolve({ code, signal });
      for (const watcher of watchers) watcher();
    });
  });

  const waitForStdout = (test: (text: string) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (test(stdout)) {
          finish();
          resolve();
        } else if (closed) {
          finish();
          reject(new Error(`flexgate serve exited (${child.exitCode ?? child.signalCode})\n${stdout}\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(
          new Error(`flexgate serve: expected output did not appear within ${timeoutMs} ms\n${stdout}\n${stderr}`),
        );
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  const logRecords = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  const waitForExit = async (timeoutMs = DEFAULT_TIMEOUT_MS) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`flexgate serve did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async () => {
    if (closed) return;
    child.kill('SIGTERM');
    try {
      await waitForExit(5000);
    } catch {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const serve: ServeProcess = {
    child,
    port,
    baseUrl,
    stdout: () => stdout,
    stderr: () => stderr,
    logRecords,
    waitForStdout,
    waitForExit,
    stop,
  };
  try {
    const readyText = options.readyText;
    await waitForStdout((text) =>
      readyText === undefined ? text.includes('"msg":"Flexgate is listening"') : text.includes(readyText),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return serve;
}

/** Kills (by pid) every CLI child process this test file started that is still running. */
export function killLeftoverChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------------------
// Talking to the server

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
}

export async function clientCredentialsToken(
  baseUrl: string,
  clientId: string,
  clientSecret: string,
): Promise<TokenResult> {
  const response = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A client-credentials access token; fails the test if the server refuses. */
export async function accessToken(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const { status, body } = await clientCredentialsToken(baseUrl, clientId, clientSecret);
  if (status !== 200 || typeof body.access_token !== 'string') {
    throw new Error(`token request failed: ${status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

export async function meStatus(baseUrl: string, token: string): Promise<number> {
  const response = await fetch(`${baseUrl}/api/v0.0.1/me`, { headers: { authorization: `Bearer ${token}` } });
  await response.body?.cancel();
  return response.status;
}

/** Polls `probe` until it returns true; resolves with the elapsed milliseconds. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}
