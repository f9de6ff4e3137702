import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/apis/docs/openapi.js';
import { API_ROUTES } from '../../src/apis/example/index.js';
import { EXAMPLE_SCOPES } from '../../src/apis/example/scopes.js';

/**
 * The SDK's types are generated from packages/client/openapi.json, a committed snapshot of the server's
 * OpenAPI document. This keeps the snapshot in step with the route table, so the SDK cannot drift from the API.
 */
const SNAPSHOT = new URL('../../packages/client/openapi.json', import.meta.url);

describe('packages/client/openapi.json', () => {
  it('is the OpenAPI document the server builds now', () => {
    const snapshot: unknown = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    // Through JSON, as `flexgate openapi` prints it: undefined members disappear.
    const current: unknown = JSON.parse(
      JSON.stringify(buildOpenApiDocument(API_ROUTES, { issuer: 'http://localhost:8080', scopes: EXAMPLE_SCOPES })),
    );
    expect(
      current,
      'The API changed since the SDK snapshot was taken: run `npm run sdk:openapi` and commit packages/client/openapi.json',
    ).toEqual(snapshot);
  });
});
