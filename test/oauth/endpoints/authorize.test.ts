/** The authorization endpoint (RFC 6749 §4.1.1–4.1.2, RFC 7636, RFC 9207, RFC 9700), called directly. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approveAuthorization,
  denyAuthorization,
  needsConsent,
  validateAuthorizationRequest,
} from '../../../src/oauth/endpoints/authorize.js';
import type { ClientRecord } from '../../../src/oauth/ports.js';
import { ISSUER, type Protocol, pkcePair, REDIRECT_URI, startProtocol } from '../harness.js';

let p: Protocol;
let client: ClientRecord;
let spa: ClientRecord;
beforeAll(async () => {
  p = await startProtocol();
  ({ client } = await p.register());
  ({ client: spa } = await p.register({ name: 'SPA', isPublic: true, grantTypes: ['authorization_code'] }));
});
afterAll(() => p.close());

const request = (overrides: Record<string, string | undefined> = {}, who: ClientRecord = client) => ({
  response_type: 'code',
  client_id: who.id,
  redirect_uri: REDIRECT_URI,
  scope: 'read:contacts',
  state: 'xyz',
  ...overrides,
});

const validate = (params: Record<string, string | undefined>) => validateAuthorizationRequest(p.ctx, params);

describe('the authorization endpoint', () => {
  it('never redirects for a missing or unknown client, or an unregistered redirect URI (§4.1.2.1)', async () => {
    for (const params of [
      request({ client_id: undefined }),
      request({ client_id: 'nobody' }),
      request({ redirect_uri: undefined }),
      request({ redirect_uri: `${REDIRECT_URI}/other` }),
      request({ redirect_uri: 'https://APP.example.test/cb' }),
    ]) {
      const result = await validate(params);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.redirectTo).toBeUndefined();
    }
  });

  it('sends later errors to the redirect URI with state and iss', async () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'read:news' }, 'invalid_scope'],
      [{ scope: 'no:such' }, 'invalid_scope'],
      [{ state: undefined }, 'invalid_request'],
      [{ code_challenge: pkcePair().challenge, code_challenge_method: 'plain' }, 'invalid_request'],
    ];
    for (const [overrides, error] of cases) {
      const result = await validate(request(overrides));
      expect(result.ok).toBe(false);
      if (result.ok || result.redirectTo === undefined) throw new Error('expected a redirect');
      const url = new URL(result.redirectTo);
      expect(url.origin + url.pathname).toBe(REDIRECT_URI);
      expect(url.searchParams.get('error')).toBe(error);
      expect(url.searchParams.get('iss')).toBe(ISSUER);
      if (overrides.state === undefined && 'state' in overrides) expect(url.searchParams.has('state')).toBe(false);
      else expect(url.searchParams.get('state')).toBe('xyz');
    }
  });

  it('requires PKCE of a public client (RFC 9700 §2.1.1)', async () => {
    const without = await validate(request({}, spa));
    expect(without.ok).toBe(false);
    const { challenge } = pkcePair();
    const withPkce = await validate(request({ code_challenge: challenge, code_challenge_method: 'S256' }, spa));
    expect(withPkce.ok).toBe(true);
  });

  it('approving issues a one-time code in the redirect, with state and iss (RFC 9207)', async () => {
    const result = await validate(request());
    if (!result.ok) throw result.error;
    const url = new URL(await approveAuthorization(p.ctx, p.userId, result.request));
    expect(url.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toBe('xyz');
    expect(url.searchParams.get('iss')).toBe(ISSUER);
  });

  it('denying answers access_denied to the redirect URI', async () => {
    const result = await validate(request());
    if (!result.ok) throw result.error;
    const url = new URL(denyAuthorization(p.ctx, result.request));
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe('xyz');
  });

  it('remembers consent for a confidential client, never for a public one', async () => {
    const confidential = await validate(request());
    if (!confidential.ok) throw confidential.error;
    await approveAuthorization(p.ctx, p.userId, confidential.request);
    expect(await needsConsent(p.ctx, p.userId, confidential.request)).toBe(false);
    const wider = await validate(request({ scope: 'read:contacts write:contacts' }));
    if (!wider.ok) throw wider.error;
    expect(await needsConsent(p.ctx, p.userId, wider.request)).toBe(true);
    const { challenge } = pkcePair();
    const publicRequest = await validate(request({ code_challenge: challenge, code_challenge_method: 'S256' }, spa));
    if (!publicRequest.ok) throw publicRequest.error;
    await approveAuthorization(p.ctx, p.userId, publicRequest.request);
    expect(await needsConsent(p.ctx, p.userId, publicRequest.request)).toBe(true);
  });
});
