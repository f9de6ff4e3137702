import { describe, expect, it } from 'vitest';
import { redirectUriMatches } from '../../src/core/redirect-uris.js';
import { demoRedirectUris } from '../../src/demo.js';

describe('the demo app', () => {
  it("registers the /docs page's OAuth callback on the server's own URL", () => {
    expect(demoRedirectUris('http://localhost:8080')).toContain('http://localhost:8080/docs/oauth2-redirect.html');
    expect(demoRedirectUris('https://api.example.com')).toContain('https://api.example.com/docs/oauth2-redirect.html');
  });

  it('leaves the docs callback out when the issuer is plain http on a public host (not a valid redirect URI)', () => {
    expect(demoRedirectUris('http://api.internal:8080').some((uri) => uri.includes('/docs/'))).toBe(false);
  });

  it('lets flexgate login use it: a loopback callback on any port matches', () => {
    const registered = demoRedirectUris('http://localhost:8080');
    expect(registered.some((uri) => redirectUriMatches(uri, 'http://127.0.0.1:53121/callback'))).toBe(true);
  });
});
