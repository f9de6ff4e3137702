import { type Command, Option } from 'commander';
import { deleteClient, registerClient, rotateClientSecret } from '../oauth/clients.js';
import { InputError } from '../oauth/errors.js';
import { type ClientRecord, ENVIRONMENTS, type Environment, GRANT_TYPES, type GrantType } from '../oauth/ports.js';
import { collect, parseInteger, printJson, type StorageFlags, withRuntime, withStorageOptions } from './shared.js';

interface CreateClientFlags extends StorageFlags {
  name: string;
  redirectUri?: string[];
  scope?: string[];
  grantType?: string[];
  public?: boolean;
  environment: Environment;
  json?: boolean;
}

/** The public view of a client: everything but secret hashes. */
function describe(client: ClientRecord) {
  return {
    client_id: client.id,
    name: client.name,
    environment: client.environment,
    public: client.isPublic,
    redirect_uris: client.redirectUris,
    scopes: client.scopes,
    grant_types: client.grantTypes,
    created_at: new Date(client.createdAt).toISOString(),
  };
}

function printClient(client: ClientRecord, secret?: string): void {
  const lines = Object.entries(describe(client)).map(([key, value]) => {
    const text = Array.isArray(value) ? value.join(' ') : String(value);
    return `${key.padEnd(14)}${text}`;
  });
  if (secret !== undefined)
    lines.push(`${'client_secret'.padEnd(14)}${secret}`, '', 'The secret is shown this once: store it now.');
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function registerClients(program: Command): void {
  const clients = program.command('clients').description('manage OAuth clients (applications)');

  withStorageOptions(
    clients
      .command('create')
      .description('register a client and print its id and secret (the secret is shown this once)')
      .requiredOption('--name <name>', 'the name users see on the consent page')
      .option('--redirect-uri <uri>', 'an allowed redirect URI (repeatable)', collect)
      .option('--scope <scope>', 'a scope the client may request (repeatable; default: all)', collect)
      .addOption(
        new Option('--grant-type <type>', 'an allowed grant type (repeatable)').choices(GRANT_TYPES).argParser(collect),
      )
      .option('--public', 'a public client (no secret; must use PKCE)')
      .addOption(new Option('--environment <env>', 'credential environment').choices(ENVIRONMENTS).default('sandbox'))
      .option('--json', 'print JSON (for scripts)'),
  ).action(async (flags: CreateClientFlags) => {
    await withRuntime(flags, async (ctx) => {
      const { client, secret } = await registerClient(ctx, {
        name: flags.name,
        ...(flags.redirectUri === undefined ? {} : { redirectUris: flags.redirectUri }),
        ...(flags.scope === undefined ? {} : { scopes: flags.scope }),
        ...(flags.grantType === undefined ? {} : { grantTypes: flags.grantType as GrantType[] }),
        isPublic: flags.public === true,
        environment: flags.environment,
      });
      if (flags.json === true)
        printJson({ ...describe(client), ...(secret === undefined ? {} : { client_secret: secret }) });
      else printClient(client, secret);
    });
  });

  withStorageOptions(clients.command('list').description('list every client').option('--json', 'print JSON')).action(
    async (flags: StorageFlags & { json?: boolean }) => {
      await withRuntime(flags, async (ctx) => {
        const all = await ctx.storage.clients.list();
        if (flags.json === true) return printJson(all.map(describe));
        for (const client of all) {
          process.stdout.write(`${client.id}  ${client.environment.padEnd(7)}  ${client.name}\n`);
        }
        if (all.length === 0) process.stdout.write('no clients yet: flexgate clients create --name <name>\n');
      });
    },
  );

  withStorageOptions(
    clients.command('show').description('show one client').argument('<client_id>').option('--json', 'print JSON'),
  ).action(async (clientId: string, flags: StorageFlags & { json?: boolean }) => {
    await withRuntime(flags, async (ctx) => {
      const client = await ctx.clientCache.findById(clientId);
      if (client === undefined) throw new InputError(`no client with id ${clientId}`);
      if (flags.json === true) printJson(describe(client));
      else printClient(client);
    });
  });

  withStorageOptions(
    clients
      .command('rotate-secret')
      .description('issue a new client secret (shown this once)')
      .argument('<client_id>')
      .option(
        '--grace <seconds>',
        'how long the old secret keeps working (default 0: it dies at once)',
        parseInteger,
        0,
      )
      .option('--json', 'print JSON'),
  ).action(async (clientId: string, flags: StorageFlags & { grace: number; json?: boolean }) => {
    await withRuntime(flags, async (ctx) => {
      const secret = await rotateClientSecret(ctx, clientId, flags.grace * 1000);
      if (flags.json === true) printJson({ client_id: clientId, client_secret: secret });
      else process.stdout.write(`client_secret ${secret}\n\nThe secret is shown this once: store it now.\n`);
    });
  });

  withStorageOptions(
    clients.command('delete').description('delete a client and revoke every token it holds').argument('<client_id>'),
  ).action(async (clientId: string, flags: StorageFlags) => {
    await withRuntime(flags, async (ctx) => {
      if (!(await deleteClient(ctx, clientId))) throw new InputError(`no client with id ${clientId}`);
      process.stdout.write(`deleted client ${clientId}; its tokens are revoked\n`);
    });
  });
}
