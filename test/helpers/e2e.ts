/**
 * Fixtures shared by the end-to-end suites: a server with one user whose browser is already logged in (a
 * login costs an argon2 verification, so each file logs in once), and one-call helpers to register a client
 * and run the authorization-code flow to a code or to tokens.
 */
import type { NewClientInput } from '../../src/oauth/clients.js';
import { authorize, Browser, type Credentials, codeFrom, hiddenFields, isLoginPage } from './browser-flow.js';
import { type ClientCredentials, redeemCode, type TokenSet } from './oauth-client.js';
import { startTestServer, type TestServer, type TestServerOptions } from './server.js';

export const APP_REDIRECT_URI = 'https://app.example.com/cb';
export const TEST_PASSWORD = 'correct horse battery staple';

export interface Fixture {
  server: TestServer;
  baseUrl: string;
  issuer: string;
  user: { id: string } & Credentials;
  /** A browser logged in as `user`. */
  browser: Browser;
}

export async function startFixture(options: TestServerOptions = {}, username = 'alice'): Promise<Fixture> {
  const server = await startTestServer(options);
  try {
    const { id } = await server.createUser(username, TEST_PASSWORD);
    const user = { id, username, password: TEST_PASSWORD };
    const browser = await loggedInBrowser(server.baseUrl, user);
    return { server, baseUrl: server.baseUrl, issuer: server.ctx.config.issuer, user, browser };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/** A new browser that has logged in through the login form. */
export async function loggedInBrowser(baseUrl: string, credentials: Credentials): Promise<Browser> {
  const browser = new Browser(baseUrl);
  const form = await browser.get('/login');
  if (!isLoginPage(form)) throw new Error(`GET /login: ${form.status}`);
  const result = await browser.post('/login', { ...hiddenFields(form.html), ...credentials });
  if (result.status !== 303) throw new Error(`login failed: ${result.status} ${result.html.slice(0, 300)}`);
  return browser;
}

export interface RegisteredClient extends ClientCredentials {
  redirectUri: string;
}

/** A confidential client with redirect URI https://app.example.com/cb unless `input` says otherwise. */
export async function registerClient(
  server: TestServer,
  input: Partial<NewClientInput> = {},
): Promise<RegisteredClient> {
  const redirectUris = input.redirectUris ?? [APP_REDIRECT_URI];
  const { clientId, clientSecret } = await server.createClient({ name: 'Test App', ...input, redirectUris });
  return { clientId, clientSecret, redirectUri: redirectUris[0] ?? APP_REDIRECT_URI };
}

export interface CodeRequest {
  scope?: string;
  state?: string;
  redirectUri?: string;
  codeChallenge?: string;
  browser?: Browser;
}

/** Runs the authorization-code flow (logging in and allowing as needed) and returns the code. */
export async function obtainCode(fx: Fixture, client: RegisteredClient, request: CodeRequest = {}): Promise<string> {
  const redirectUri = request.redirectUri ?? client.redirectUri;
  const state = request.state ?? `state-${Math.random().toString(36).slice(2)}`;
  const result = await authorize(
    request.browser ?? fx.browser,
    {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: redirectUri,
      scope: request.scope ?? 'read:contacts write:messages',
      state,
      ...(request.codeChallenge === undefined
        ? {}
        : { code_challenge: request.codeChallenge, code_challenge_method: 'S256' }),
    },
    { login: fx.user },
  );
  return codeFrom(result.location, { redirectUri, state, issuer: fx.issuer });
}

/** A code, redeemed: the token response of a successful authorization. */
export async function obtainTokens(
  fx: Fixture,
  client: RegisteredClient,
  request: CodeRequest = {},
): Promise<TokenSet & { refresh_token: string }> {
  const code = await obtainCode(fx, client, request);
  const tokens = await redeemCode(fx.baseUrl, client, code, request.redirectUri ?? client.redirectUri);
  if (tokens.refresh_token === undefined) throw new Error('no refresh token issued');
  return { ...tokens, refresh_token: tokens.refresh_token };
}
