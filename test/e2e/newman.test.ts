import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostmanCollection } from '../../src/apis/docs/postman.js';
import { API_ROUTES } from '../../src/apis/example/index.js';
import { EXAMPLE_SCOPES } from '../../src/apis/example/scopes.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** The part of newman's API used here (it ships no type declarations). */
interface NewmanSummary {
  run: {
    failures: Array<{ error: { name: string; message: string; test?: string }; source?: { name?: string } }>;
    executions: Array<{ item: { name: string }; response?: { code: number } }>;
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
  };
}
interface Newman {
  run(
    options: {
      collection: object;
      envVar?: Array<{ key: string; value: string }>;
      reporters?: string[];
      timeoutRequest?: number;
    },
    callback: (error: Error | null, summary: NewmanSummary) => void,
  ): void;
}
const newman = createRequire(import.meta.url)('newman') as Newman;

const runCollection = (collection: object, envVar: Array<{ key: string; value: string }>) =>
  new Promise<NewmanSummary>((resolve, reject) =>
    newman.run({ collection, envVar, reporters: [], timeoutRequest: 10_000 }, (error, summary) =>
      error === null ? resolve(summary) : reject(error),
    ),
  );

/**
 * The published Postman collection runs headless in newman against a real server: its pre-request script
 * gets a client-credentials token, and every request answers the status its test expects.
 */
describe('Postman collection in newman', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('runs every request of /postman.json without a failure', { timeout: 60_000 }, async () => {
    const { clientId, clientSecret } = await server.createClient({
      name: 'Newman',
      scopes: EXAMPLE_SCOPES.map((scope) => scope.name),
      grantTypes: ['client_credentials'],
    });
    const response = await fetch(`${server.baseUrl}/postman.json`);
    expect(response.status).toBe(200);
    const collection = (await response.json()) as PostmanCollection;
    const requestCount = collection.item.flatMap((folder) => folder.item).length;
    expect(requestCount).toBe(API_ROUTES.length);

    const summary = await runCollection(collection, [
      { key: 'client_id', value: clientId },
      { key: 'client_secret', value: clientSecret ?? '' },
    ]);
    const failures = summary.run.failures.map(
      (failure) =>
        `${failure.source?.name ?? '?'}: ${failure.error.test ?? failure.error.name}: ${failure.error.message}`,
    );
    expect(failures).toEqual([]);
    // Every request of the collection ran, in order, and succeeded (the token request of the pre-request script
    // shows as an extra execution of the first item).
    const names = collection.item.flatMap((folder) => folder.item.map((item) => item.name));
    const ran = summary.run.executions.filter((execution) => names.includes(execution.item.name));
    expect([...new Set(ran.map((execution) => execution.item.name))]).toEqual(names);
    expect(ran.length).toBeGreaterThanOrEqual(names.length);
    for (const execution of ran) expect(execution.response?.code).toBeLessThan(300);
    expect(summary.run.stats.requests.failed).toBe(0);
    expect(summary.run.stats.assertions.failed).toBe(0);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(requestCount);
  });
});
