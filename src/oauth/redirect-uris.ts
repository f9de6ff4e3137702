/**
 * Redirect URI matching at the authorization endpoint.
 *
 * Exact string comparison (RFC 9700 §4.1.1: no prefix, path, scheme or case leeway), with the one exception
 * of RFC 8252 §7.3: for a registered loopback IP literal URI (`http://127.0.0.1…` or `http://[::1]…`) a native
 * app listens on a port the operating system picks, so a loopback URI registered without a port matches any
 * port at request time (one registered with a port matches only itself). Everything else
 * (scheme, host, path and query) must still be identical, character for character. `localhost` is not a
 * loopback IP literal (RFC 8252 §8.3: it may resolve elsewhere) and keeps exact matching.
 *
 * The comparison works on the strings, never on parsed-and-normalised URLs: a URL parser would forgive
 * case, dot segments, default ports and percent-encoding, which is exactly the leeway attackers use.
 */

/**
 * `http://` + loopback IP literal + optional port + the rest (path and query), which must start with `/` or
 * `?` or be empty. Anything else right after the host (`@`, `.`, `\`, a letter) does not match, which rules
 * out user-info tricks (`http://127.0.0.1:80@evil.example/`) and look-alike hosts (`http://127.0.0.1.evil.example`).
 */
const LOOPBACK_URI = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::([0-9]*))?([/?].*)?$/s;

const MAX_PORT = 65535;

interface LoopbackUri {
  host: string;
  /** The port as written, undefined when there is none. */
  port: string | undefined;
  /** Path and query, exactly as written (may be empty). */
  rest: string;
}

function parseLoopback(uri: string): LoopbackUri | undefined {
  const match = LOOPBACK_URI.exec(uri);
  if (match === null) return undefined;
  return { host: match[1] ?? '', port: match[2], rest: match[3] ?? '' };
}

/** A port a listener can have: 1-65535 in plain decimal (no sign, no leading zero, not empty). */
function isValidPort(port: string): boolean {
  return /^[1-9][0-9]{0,4}$/.test(port) && Number(port) <= MAX_PORT;
}

/**
 * Whether the `requested` redirect URI of an authorization request matches the `registered` one: identical,
 * or (for a loopback IP literal URI registered without a port) identical except for the port, which may be any
 * valid port.
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (requested === registered) return true;
  const want = parseLoopback(registered);
  // Only a registration without a port means "whatever port the app gets": a client that registered a
  // fixed port gains nothing from leeway, and would only widen where its codes may be sent.
  if (want === undefined || want.port !== undefined) return false;
  const got = parseLoopback(requested);
  if (got === undefined) return false;
  if (got.port !== undefined && !isValidPort(got.port)) return false;
  // A fragment is never allowed (RFC 6749 §3.1.2); registration refuses it, this is defence in depth.
  if (got.rest.includes('#')) return false;
  return got.host === want.host && got.rest === want.rest;
}

/** Whether `requested` matches any of the client's registered redirect URIs. */
export function isRegisteredRedirectUri(registered: readonly string[], requested: string): boolean {
  return registered.some((uri) => redirectUriMatches(uri, requested));
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a URL's `hostname` is this machine (localhost, 127.0.0.1, [::1]): plain http may be used with it. */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname);

/**
 * A redirect URI must be absolute, without a fragment (RFC 6749 §3.1.2), and https unless it points at
 * the developer's own machine. A native app registers a loopback IP literal without a port, e.g.
 * http://127.0.0.1/callback: the authorization endpoint then allows any port (RFC 8252 §7.3).
 */
export function checkRedirectUri(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${value} is not an absolute URI`;
  }
  if (value.includes('#')) return `${value} must not contain a fragment`;
  if (url.username !== '' || url.password !== '') return `${value} must not contain credentials`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  if (url.protocol === 'http:')
    return `${value} must use https (http is allowed for 127.0.0.1, [::1] and localhost only)`;
  return `${value} must be an http(s) URI`;
}
