import { clientOwnerId } from '../apis/example/owner.js';
import type { FlexgateContext } from '../context.js';
import { registerClient } from '../oauth/clients.js';
import { ENVIRONMENTS } from '../oauth/ports.js';
import { checkRedirectUri } from '../oauth/redirect-uris.js';
import { createUser } from '../portal/domain/users.js';
import { demoContacts } from './contacts.js';
import { demoNews } from './news.js';

export const DEMO_USERNAME = 'demo';
export const DEMO_APP_NAME = 'Demo app';

/**
 * Redirect URIs of the demo app: the callbacks the seed quickstarts use, a local one, and Postman's, so
 * each documented request works with only the host changed.
 */
export const DEMO_REDIRECT_URIS = [
  'https://yourapp.com/callback',
  'https://your-app.example.com/callback',
  'http://localhost:3000/callback',
  'https://oauth.pstmn.io/v1/callback',
  // `flexgate login` (a loopback listener on any port, RFC 8252 §7.3).
  'http://127.0.0.1/callback',
];

/**
 * The demo app's redirect URIs on this server: the static ones, and the /docs page's OAuth callback when the
 * issuer is one a redirect URI may use (https, or http on a loopback host).
 */
export function demoRedirectUris(issuer: string): string[] {
  const docsCallback = `${issuer}/docs/oauth2-redirect.html`;
  return checkRedirectUri(docsCallback) === undefined ? [...DEMO_REDIRECT_URIS, docsCallback] : [...DEMO_REDIRECT_URIS];
}

export type DemoSeed =
  | { created: true; username: string; password: string; clientId: string; clientSecret: string }
  | { created: false; clientId: string | undefined };

/** Creates the demo user and app on the first start; later starts only report that they exist. */
export async function seedDemoData(ctx: FlexgateContext): Promise<DemoSeed> {
  const existingUser = await ctx.storage.users.findByUsername(DEMO_USERNAME);
  if (existingUser !== undefined) {
    const clients = await ctx.storage.clients.list();
    return { created: false, clientId: clients.find((client) => client.name === DEMO_APP_NAME)?.id };
  }
  const password = ctx.random.token(15);
  const user = await createUser(ctx, { username: DEMO_USERNAME, password });
  const { client, secret } = await registerClient(ctx, {
    name: DEMO_APP_NAME,
    redirectUris: demoRedirectUris(ctx.config.issuer),
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    environment: 'sandbox',
  });
  if (secret === undefined) throw new Error('the demo app must be confidential');
  await seedDemoApiData(ctx, user.id, clientOwnerId(client.id));
  return { created: true, username: user.username, password, clientId: client.id, clientSecret: secret };
}

export function describeDemoSeed(seed: DemoSeed, baseUrl: string): string {
  if (!seed.created) {
    return [
      `Demo data exists (user "${DEMO_USERNAME}", app "${DEMO_APP_NAME}" ${seed.clientId ?? '(deleted)'}).`,
      'Secrets are shown only once. For a new app secret: flexgate clients rotate-secret <client_id>;',
      'for a new user: flexgate users create --username <name> --password-stdin.',
    ].join('\n');
  }
  return [
    'Demo data created (shown this once; secrets are stored hashed):',
    `  user          ${seed.username}`,
    `  password      ${seed.password}`,
    `  client_id     ${seed.clientId}`,
    `  client_secret ${seed.clientSecret}`,
    '',
    'Try it:',
    `  curl -s -X POST ${baseUrl}/oauth2/token -d grant_type=client_credentials \\`,
    `    -d client_id=${seed.clientId} -d client_secret=${seed.clientSecret}`,
  ].join('\n');
}

/**
 * Contacts and news for the REST API. The demo user (authorization-code tokens) and the demo client
 * (client-credentials tokens: a client made outside the portal owns its own data) each get contacts in
 * both environments; each environment gets public news and news for each of them.
 */
async function seedDemoApiData(ctx: FlexgateContext, userOwnerId: string, clientOwner: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.storage.transaction(async (tx) => {
    for (const environment of ENVIRONMENTS) {
      for (const ownerId of [userOwnerId, clientOwner]) {
        for (const contact of demoContacts(ownerId, environment, now)) await tx.contacts.insert(contact);
      }
      const clientNews = demoNews(environment, clientOwner, now).filter((item) => item.customerId !== null);
      for (const item of [...demoNews(environment, userOwnerId, now), ...clientNews]) await tx.news.insert(item);
    }
  });
}
