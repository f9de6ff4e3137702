import { describe, expect, it } from 'vitest';
import { cryptoRandom, hashSecret, secretMatches } from '../../src/oauth/secrets.js';

describe('cryptoRandom', () => {
  it('gives URL-safe strings of the requested entropy, never the same twice (across pool refills)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const token = cryptoRandom.token(32);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(token);
    }
    expect(seen.size).toBe(2000);
    expect(cryptoRandom.token(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cryptoRandom.token(5000)).toHaveLength(6667);
  });
});

describe('secretMatches', () => {
  it('accepts the secret whose hash is stored and nothing else', () => {
    const stored = hashSecret('fgs_right');
    expect(secretMatches('fgs_right', stored)).toBe(true);
    expect(secretMatches('fgs_wrong', stored)).toBe(false);
    expect(secretMatches('', stored)).toBe(false);
    expect(secretMatches('fgs_right', null)).toBe(false);
  });
});
