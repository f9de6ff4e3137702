/**
 * PKCE (RFC 7636, S256) and `state` values, with Web Crypto only: runs in Node 20+ and browsers.
 */
import { FlexgateError } from './errors.js';

/**
 * Throws a clear {@link FlexgateError} when Web Crypto's `crypto.subtle` is missing: browsers only offer it
 * to secure contexts (https, localhost), and PKCE cannot be done without SHA-256.
 */
export function assertSubtleCrypto(): void {
  const subtle = (globalThis as { crypto?: { subtle?: unknown } }).crypto?.subtle;
  if (subtle === undefined || subtle === null) {
    throw new FlexgateError(
      'PKCE needs crypto.subtle, which this environment does not offer: serve your app over https or localhost',
    );
  }
}

/** base64url without padding (RFC 4648 §5), as PKCE and JWTs use it. */
function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** `size` bytes from the platform's CSPRNG, base64url-encoded. */
function randomToken(size = 32): string {
  const bytes = new Uint8Array(size);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

/** A new PKCE code verifier: 32 random bytes → 43 characters of `[A-Za-z0-9_-]`. */
export function createCodeVerifier(): string {
  return randomToken(32);
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ASCII(verifier))). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  assertSubtleCrypto();
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** A new `state` value for an authorization request (256 bits). */
export function createState(): string {
  return randomToken(32);
}

/** Compares two strings in time that depends on their lengths only, not on where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i += 1) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}
