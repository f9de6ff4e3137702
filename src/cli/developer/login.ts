/** `flexgate login`: the browser (PKCE on a 127.0.0.1 listener) or a client-credentials profile. */
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { delimiter, join } from 'node:path';
import { AuthorizationCallbackError, createClient, DEFAULT_TIMEOUT_MS, OAuthError } from '@flexgate/client';
import { InputError } from '../../oauth/errors.js';
import { readStdin, UsageError } from '../shared.js';
import { checkBaseUrl, parseScopes } from './options.js';
import { PROFILE_VERSION, type Profile, profilePath } from './profiles.js';
import { cannotReach, describeError, oneLine, REDIRECT_URI_HINT } from './terminal.js';
import { ProfileTokenStore } from './token-store.js';

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

export interface LoginFlags {
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
export function checkLoginFlags(flags: LoginFlags): LoginSettings {
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

export async function loginWithClientCredentials(flags: LoginFlags, { baseUrl, clientId, scopes }: LoginSettings) {
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

export async function loginInBrowser(flags: LoginFlags, { baseUrl, clientId, scopes }: LoginSettings): Promise<void> {
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
