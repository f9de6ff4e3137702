// Server to server with client credentials: the SDK fetches a token on first use and reuses it.
//   FLEXGATE_URL=http://localhost:8080 CLIENT_ID=… CLIENT_SECRET=… node examples/client-credentials.mjs
import { createClient, ValidationError } from '@flexgate/client';

const flexgate = createClient({
  baseUrl: process.env.FLEXGATE_URL ?? 'http://localhost:8080',
  clientId: process.env.CLIENT_ID ?? '',
  clientSecret: process.env.CLIENT_SECRET ?? '',
  scopes: ['read:contacts', 'write:contacts'],
});

// The Idempotency-Key makes a retried create safe: a repeat returns the contact created the first time.
const contact = await flexgate.createContact({
  body: { name: 'Ada Lovelace', phone: '+447700900123', language: 'en' },
  idempotencyKey: crypto.randomUUID(),
});
console.log(`created ${contact.id} (${contact.name})`);

const page = await flexgate.listContacts({ query: { limit: 5 } });
console.log(`first page: ${page.data.map((c) => c.name).join(', ')}${page.next ? ' …' : ''}`);

try {
  await flexgate.createContact({ body: { name: 'Bad phone', phone: '0612' } });
} catch (error) {
  if (!(error instanceof ValidationError)) throw error;
  console.log(`refused as expected: ${JSON.stringify(error.fields)}`);
}
