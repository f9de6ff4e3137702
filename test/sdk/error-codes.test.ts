/**
 * The SDK's error codes are the server's: `ApiError.code` is typed from the OpenAPI document (schema
 * ApiErrorCode, generated into src/generated/types.ts), `OAuthError.code` from the protocol's union, and both
 * stay open for codes a proxied API sends.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ApiError,
  type ApiErrorCode,
  AuthError,
  OAuthError,
  type OAuthErrorCode,
  type OpenCode,
} from '../../packages/client/src/index.js';
import { API_ANSWER_ERROR_CODES } from '../../src/apis/errors.js';
import type { OAuthErrorCode as ServerOAuthErrorCode } from '../../src/oauth/errors.js';

const generatedUnion = (name: string): string[] => {
  const text = readFileSync(new URL('../../packages/client/src/generated/types.ts', import.meta.url), 'utf8');
  const line = text.split('\n').find((candidate) => candidate.startsWith(`export type ${name} = `));
  if (line === undefined) throw new Error(`no generated type ${name}`);
  return [...line.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? '');
};

describe('the SDK error codes', () => {
  it('ApiErrorCode, generated from the document, is every code the API answers with', () => {
    expect(generatedUnion('ApiErrorCode').sort()).toEqual([...API_ANSWER_ERROR_CODES].sort());
    expectTypeOf<ApiErrorCode>().toEqualTypeOf<(typeof API_ANSWER_ERROR_CODES)[number]>();
  });

  it('OAuthErrorCode is the protocol union', () => {
    expectTypeOf<OAuthErrorCode>().toEqualTypeOf<ServerOAuthErrorCode>();
  });

  it('codes are open unions that narrow in a switch', () => {
    expectTypeOf<ApiError['code']>().toEqualTypeOf<OpenCode<ApiErrorCode>>();
    const explain = (error: ApiError): string => {
      switch (error.code) {
        case 'not_found':
          return 'gone';
        case 'rate_limited':
          return 'later';
        default:
          return error.code;
      }
    };
    expect(explain(new ApiError(404, 'not_found'))).toBe('gone');
    expect(explain(new ApiError(418, 'teapot_error'))).toBe('teapot_error');
    expect(new AuthError(401, 'invalid_token').code).toBe('invalid_token');
    expect(new OAuthError('invalid_grant').code).toBe('invalid_grant');
  });
});
