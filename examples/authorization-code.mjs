// A web app acting for a user: authorization code with PKCE, tokens in a file that survives restarts.
//   FLEXGATE_URL=http://localhost:8080 CLIENT_ID=… CLIENT_SECRET=… PORT=3000 node examples/authorization-code.mjs
// Register http://localhost:3000/callback (or your PORT) as a redirect URI of the app, open /login.
import { createServer } from 'node:http';
import { createClient } from '@flexgate/client';
import { FileTokenStore } from '@flexgate/client/node';

const port = Number(process.env.PORT ?? 3000);
const redirectUri = `http://localhost:${port}/callback`;
const flexgate = createClient({
  baseUrl: process.env.FLEXGATE_URL ?? 'http://localhost:8080',
  clientId: process.env.CLIENT_ID ?? '',
  clientSecret: process.env.CLIENT_SECRET,
  // With a secret the default is client credentials: this app acts for users, never as itself.
  grant: 'authorization_code',
  tokenStore: new FileTokenStore(process.env.TOKEN_FILE ?? '.flexgate-example-tokens.json'),
});
// One pending sign-in per state; a real app keeps this in the user's session.
const pendingByState = new Map();

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', `http://localhost:${port}`);
  try {
    if (url.pathname === '/login') {
      const { url: authorizeUrl, pending } = await flexgate.authorizeUrl({ scopes: ['read:contacts'], redirectUri });
      pendingByState.set(pending.state, pending);
      response.writeHead(302, { location: authorizeUrl }).end();
    } else if (url.pathname === '/callback') {
      const pending = pendingByState.get(url.searchParams.get('state'));
      if (pending === undefined) throw new Error('unknown or used state');
      pendingByState.delete(pending.state);
      await flexgate.handleCallback(url.href, pending);
      const me = await flexgate.getMe();
      const contacts = await flexgate.listContacts({ query: { limit: 3 } });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ user: me.user, contacts: contacts.data.map((c) => c.name) }));
    } else {
      response.writeHead(404).end();
    }
  } catch (error) {
    response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
  }
});
server.listen(port, '127.0.0.1', () => console.log(`listening on http://localhost:${port}/login`));
