/**
 * Redirect URI matching (RFC 9700 §4.1.1 exact matching, RFC 8252 §7.3 any port for loopback IP literals).
 * Each row is a security property: a `false` that turns `true` would let the authorization endpoint send a
 * code somewhere the client never registered.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateAuthorizationRequest } from '../../src/oauth/endpoints/authorize.js';
import { checkRedirectUri, isRegisteredRedirectUri, redirectUriMatches } from '../../src/oauth/redirect-uris.js';
import { ScopeCatalogue } from '../../src/oauth/scopes.js';

const V4 = 'http://127.0.0.1/callback';
const V6 = 'http://[::1]/callback';

describe('redirectUriMatches: a registered IPv4 loopback URI allows any port, nothing else', () => {
  it.each([
    ['the registered URI itself', V4, true],
    ['a random port', 'http://127.0.0.1:54321/callback', true],
    ['port 1', 'http://127.0.0.1:1/callback', true],
    ['port 65535', 'http://127.0.0.1:65535/callback', true],
    ['port 80 written out', 'http://127.0.0.1:80/callback', true],
    ['port 65536 (out of range)', 'http://127.0.0.1:65536/callback', false],
    ['port 0', 'http://127.0.0.1:0/callback', false],
    ['a port with a leading zero', 'http://127.0.0.1:08080/callback', false],
    ['an empty port', 'http://127.0.0.1:/callback', false],
    ['a signed port', 'http://127.0.0.1:+80/callback', false],
    ['a port of letters', 'http://127.0.0.1:ab/callback', false],
    ['another path', 'http://127.0.0.1:5000/other', false],
    ['a longer path', 'http://127.0.0.1:5000/callback/extra', false],
    ['a path prefix', 'http://127.0.0.1:5000/call', false],
    ['a string prefix', 'http://127.0.0.1:5000/callbackx', false],
    ['a trailing slash', 'http://127.0.0.1:5000/callback/', false],
    ['no path', 'http://127.0.0.1:5000', false],
    ['the root path', 'http://127.0.0.1:5000/', false],
    ['a path in upper case', 'http://127.0.0.1:5000/CALLBACK', false],
    ['a percent-encoded path', 'http://127.0.0.1:5000/%63allback', false],
    ['dot segments', 'http://127.0.0.1:5000/x/../callback', false],
    ['a backslash path', 'http://127.0.0.1:5000\\callback', false],
    ['a query added', 'http://127.0.0.1:5000/callback?x=1', false],
    ['an empty query added', 'http://127.0.0.1:5000/callback?', false],
    ['a fragment', 'http://127.0.0.1:5000/callback#x', false],
    ['an empty fragment', 'http://127.0.0.1:5000/callback#', false],
    ['https instead of http', 'https://127.0.0.1:5000/callback', false],
    ['the scheme in upper case', 'HTTP://127.0.0.1:5000/callback', false],
    ['a port, then user info and another host', 'http://127.0.0.1:80@evil.example/callback', false],
    ['user info and another host', 'http://127.0.0.1@evil.example/callback', false],
    ['user info in front', 'http://user@127.0.0.1:5000/callback', false],
    ['a look-alike host', 'http://127.0.0.1.evil.example/callback', false],
    ['a look-alike host with a port', 'http://127.0.0.1.evil.example:5000/callback', false],
    ['another loopback address', 'http://127.0.0.2:5000/callback', false],
    ['a shortened IPv4 literal', 'http://127.1:5000/callback', false],
    ['a decimal IPv4 literal', 'http://2130706433:5000/callback', false],
    ['an IPv4-mapped IPv6 literal', 'http://[::ffff:127.0.0.1]:5000/callback', false],
    ['the IPv6 loopback instead', 'http://[::1]:5000/callback', false],
    ['localhost instead', 'http://localhost:5000/callback', false],
    ['localhost without a port', 'http://localhost/callback', false],
    ['no scheme', '//127.0.0.1:5000/callback', false],
    ['a relative URI', '/callback', false],
    ['another site entirely', 'https://evil.example/callback', false],
    ['a newline before the path', 'http://127.0.0.1:5000\n/callback', false],
    ['the empty string', '', false],
  ])('%s: %s → %s', (_name, requested, expected) => {
    expect(redirectUriMatches(V4, requested)).toBe(expected);
  });
});

describe('redirectUriMatches: a registered IPv6 loopback URI', () => {
  it.each([
    ['the registered URI itself', V6, true],
    ['a random port', 'http://[::1]:54321/callback', true],
    ['another path', 'http://[::1]:54321/other', false],
    ['the IPv4 loopback instead', 'http://127.0.0.1:54321/callback', false],
    ['the long form of ::1', 'http://[0:0:0:0:0:0:0:1]:54321/callback', false],
    ['a port, then user info and another host', 'http://[::1]:80@evil.example/callback', false],
    ['a query added', 'http://[::1]:54321/callback?x=1', false],
    ['https', 'https://[::1]:54321/callback', false],
  ])('%s: %s → %s', (_name, requested, expected) => {
    expect(redirectUriMatches(V6, requested)).toBe(expected);
  });
});

describe('redirectUriMatches: the port leeway applies to loopback IP literals only', () => {
  it.each([
    // RFC 8252 §8.3: localhost may resolve to another interface, so it keeps exact matching.
    ['localhost: exact', 'http://localhost/callback', 'http://localhost/callback', true],
    ['localhost: another port', 'http://localhost/callback', 'http://localhost:5000/callback', false],
    ['localhost with a port: that port', 'http://localhost:3000/cb', 'http://localhost:3000/cb', true],
    ['localhost with a port: another port', 'http://localhost:3000/cb', 'http://localhost:3001/cb', false],
    ['https site: another port', 'https://app.example.com/cb', 'https://app.example.com:8443/cb', false],
    ['https site: the default port written out', 'https://app.example.com/cb', 'https://app.example.com:443/cb', false],
    ['https loopback: another port', 'https://127.0.0.1/cb', 'https://127.0.0.1:8443/cb', false],
    ['https loopback: exact', 'https://127.0.0.1/cb', 'https://127.0.0.1/cb', true],
    ['private-use scheme: exact', 'com.example.app:/cb', 'com.example.app:/cb', true],
  ])('%s', (_name, registered, requested, expected) => {
    expect(redirectUriMatches(registered, requested)).toBe(expected);
  });

  it('a loopback URI registered with a port matches only that port', () => {
    expect(redirectUriMatches('http://127.0.0.1:8080/cb', 'http://127.0.0.1:8080/cb')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:8080/cb', 'http://127.0.0.1:9090/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1:8080/cb', 'http://127.0.0.1/cb')).toBe(false);
  });

  it('a registered query must be repeated exactly', () => {
    const registered = 'http://127.0.0.1/cb?app=cli';
    expect(redirectUriMatches(registered, 'http://127.0.0.1:5000/cb?app=cli')).toBe(true);
    expect(redirectUriMatches(registered, 'http://127.0.0.1:5000/cb')).toBe(false);
    expect(redirectUriMatches(registered, 'http://127.0.0.1:5000/cb?app=cli&x=1')).toBe(false);
    expect(redirectUriMatches(registered, 'http://127.0.0.1:5000/cb?app=CLI')).toBe(false);
  });

  it('a registered URI without a path matches only without a path', () => {
    expect(redirectUriMatches('http://127.0.0.1', 'http://127.0.0.1:5000')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1', 'http://127.0.0.1:5000/')).toBe(false);
  });

  it('isRegisteredRedirectUri tries every registered URI', () => {
    const registered = ['https://app.example.com/cb', V4];
    expect(isRegisteredRedirectUri(registered, 'https://app.example.com/cb')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:40000/callback')).toBe(true);
    expect(isRegisteredRedirectUri(registered, 'http://127.0.0.1:40000/cb')).toBe(false);
    expect(isRegisteredRedirectUri([], V4)).toBe(false);
  });
});

/** Fragments an attacker would combine after `http://127.0.0.1`. */
const PIECES = [
  ':',
  '0',
  '1',
  '5000',
  '80',
  '@',
  'evil.example',
  '.',
  '/',
  'callback',
  '?x=1',
  '?',
  '#',
  '\\',
  '%2F',
  '..',
  '[::1]',
];

describe('property: whatever matches a loopback registration is that loopback address with the same path', () => {
  it('never sends a code to another host, scheme, path or query', () => {
    const registered = 'http://127.0.0.1/callback?x=1';
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }), (pieces) => {
        const suffix = pieces.join('');
        const requested = `http://127.0.0.1${suffix}`;
        if (!redirectUriMatches(registered, requested)) return;
        // What a browser would do with the redirect: the same host, the registered path and query.
        const url = new URL(requested);
        expect(url.protocol).toBe('http:');
        expect(url.hostname).toBe('127.0.0.1');
        expect(url.username).toBe('');
        expect(url.password).toBe('');
        expect(`${url.pathname}${url.search}`).toBe('/callback?x=1');
        expect(url.hash).toBe('');
      }),
      { numRuns: 2000 },
    );
  });

  it('a random port always matches', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        expect(redirectUriMatches(V4, `http://127.0.0.1:${port}/callback`)).toBe(true);
        expect(redirectUriMatches(V6, `http://[::1]:${port}/callback`)).toBe(true);
      }),
    );
  });
});

describe('registration accepts loopback redirect URIs over http', () => {
  it.each([V4, V6, 'http://localhost/callback', 'http://127.0.0.1:8080/callback'])('%s', (uri) => {
    expect(checkRedirectUri(uri)).toBeUndefined();
  });

  it.each(['http://127.0.0.1.evil.example/callback', 'http://example.com/callback'])(
    'but not http elsewhere: %s',
    (uri) => {
      expect(checkRedirectUri(uri)).toMatch(/must use https/);
    },
  );

  it('nor user info or a fragment', () => {
    expect(checkRedirectUri('http://u@127.0.0.1/callback')).toMatch(/credentials/);
    expect(checkRedirectUri('http://127.0.0.1/callback#x')).toMatch(/fragment/);
  });
});

// validateAuthorizationRequest is the only place redirect URIs of a request are compared; make sure it
// uses the loopback rule (a stub context: the client lookup is the only storage call before the check).
describe('validateAuthorizationRequest uses the loopback rule', () => {
  const client = {
    id: 'cli',
    redirectUris: [V4],
    disabledAt: null,
    grantTypes: ['authorization_code'],
    scopes: ['read:contacts'],
    isPublic: true,
  };
  const ctx = {
    clientCache: { findById: async (id: string) => (id === client.id ? client : undefined) },
    scopes: new ScopeCatalogue([{ name: 'read:contacts', description: 'See your contacts' }]),
    config: { issuer: 'http://issuer.test' },
  } as unknown as Parameters<typeof validateAuthorizationRequest>[0];
  const params = (redirectUri: string) => ({
    response_type: 'code',
    client_id: 'cli',
    redirect_uri: redirectUri,
    scope: 'read:contacts',
    state: 's',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });

  it('a random port is accepted, and the request keeps the URI with its port', async () => {
    const result = await validateAuthorizationRequest(ctx, params('http://127.0.0.1:43210/callback'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.request.redirectUri).toBe('http://127.0.0.1:43210/callback');
  });

  it('another path is an error page, never a redirect', async () => {
    const result = await validateAuthorizationRequest(ctx, params('http://127.0.0.1:43210/other'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.redirectTo).toBeUndefined();
  });
});

describe('redirectUriMatches: a loopback URI registered with a port', () => {
  it.each([
    ['the same port', 'http://127.0.0.1:3000/callback', true],
    ['another port', 'http://127.0.0.1:4444/callback', false],
    ['no port', 'http://127.0.0.1/callback', false],
  ])('%s → %s', (_name, requested, expected) => {
    expect(redirectUriMatches('http://127.0.0.1:3000/callback', requested)).toBe(expected);
  });
});
