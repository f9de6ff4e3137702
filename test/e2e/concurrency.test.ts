/**
 * Races on one-time credentials, against each storage dialect: of N parallel uses of one refresh token or
 * one authorization code, exactly one may succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Fixture,
  obtainCode,
  obtainTokens,
  type RegisteredClient,
  registerClient,
  startFixture,
} from '../helpers/e2e.js';
import { type JsonResponse, refresh, type TokenBody, tokenRequest } from '../helpers/oauth-client.js';
import { startTestServer, testDialects } from '../helpers/server.js';

const PARALLEL = 10;
const ROUNDS = 3;

function expectExactlyOneWinner(responses: JsonResponse<TokenBody>[]) {
  const winners = responses.filter((response) => response.status === 200);
  const losers = responses.filter((response) => response.status !== 200);
  expect(winners).toHaveLength(1);
  expect(winners[0]?.body.access_token).toEqual(expect.any(String));
  expect(losers).toHaveLength(PARALLEL - 1);
  for (const loser of losers) {
    expect({ status: loser.status, error: loser.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
  }
}

describe.each(testDialects())('concurrency (%s)', (dialect) => {
  let fx: Fixture;
  let client: RegisteredClient;
  beforeAll(async () => {
    fx = await startFixture({ dialect });
    client = await registerClient(fx.server);
  });
  afterAll(() => fx.server.close());

  it(`${PARALLEL} parallel refreshes with one refresh token: exactly one succeeds`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const { refresh_token: refreshToken } = await obtainTokens(fx, client);
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, () => refresh(fx.baseUrl, client, refreshToken)),
      );
      expectExactlyOneWinner(responses);
    }
  });

  it(`${PARALLEL} parallel redemptions of one code: exactly one succeeds`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const code = await obtainCode(fx, client);
      const responses = await Promise.all(
        Array.from({ length: PARALLEL }, () =>
          tokenRequest(fx.baseUrl, {
            grant_type: 'authorization_code',
            code,
            redirect_uri: client.redirectUri,
            client_id: client.clientId,
            client_secret: client.clientSecret ?? '',
          }),
        ),
      );
      expectExactlyOneWinner(responses);
    }
  });

  // Regression: the harness's PostgreSQL schema was not passed to storage, so every test server shared the
  // default schema (same usernames collided across test files, clients leaked between servers).
  it('two test servers do not share data', async () => {
    const other = await startTestServer({ dialect });
    try {
      await expect(other.createUser(fx.user.username, 'another long password')).resolves.toMatchObject({
        id: expect.any(String),
      });
      const response = await tokenRequest(other.baseUrl, {
        grant_type: 'client_credentials',
        client_id: client.clientId,
        client_secret: client.clientSecret ?? '',
      });
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
    } finally {
      await other.close();
    }
  });
});
