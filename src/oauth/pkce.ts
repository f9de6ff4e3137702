import { createHash, timingSafeEqual } from 'node:crypto';

// RFC 7636 §4.1/§4.2: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
const VERIFIER_OR_CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

export const isValidCodeVerifier = (value: string): boolean => VERIFIER_OR_CHALLENGE.test(value);

/** S256 challenges are base64url SHA-256 digests: exactly 43 characters. */
export const isValidS256Challenge = (value: string): boolean => /^[A-Za-z0-9\-_]{43}$/.test(value);

/** RFC 7636 §4.6: BASE64URL-ENCODE(SHA256(ASCII(code_verifier))) == code_challenge. */
export function verifierMatchesChallenge(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
