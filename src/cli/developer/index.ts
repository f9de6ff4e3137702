import { API_BASE_PATH } from '@flexgate/client';
import { type Command, Option } from 'commander';
import { checkUsage, UsageError } from '../shared.js';
import { type ApiFlags, clientFor, METHODS, parseApiPath, readData } from './api.js';
import { checkLoginFlags, type LoginFlags, loginInBrowser, loginWithClientCredentials } from './login.js';
import { parseTimeout, profileOption, usageExitCode2 } from './options.js';
import { readProfile } from './profiles.js';
import { describeError, printableJson } from './terminal.js';

export function registerDeveloperCommands(program: Command): void {
  usageExitCode2(
    program
      .command('login')
      .description('sign in to a Flexgate server and save the tokens in a profile (for flexgate token / api)')
      .addOption(
        new Option('--base-url <url>', 'the Flexgate server, e.g. https://flexgate.example.com').makeOptionMandatory(),
      )
      .option(
        '--insecure',
        'allow a plain http:// --base-url on a host other than 127.0.0.1, [::1] or localhost (tokens travel unencrypted)',
      )
      .requiredOption('--client-id <id>', 'the client id of your application')
      .option('--scope <scopes>', 'the scopes to ask for, space-separated, e.g. "read:contacts write:contacts"')
      .addOption(profileOption())
      .option('--no-browser', 'only print the URL to open, do not start a browser')
      .addOption(
        new Option('--timeout <seconds>', 'how long to wait for the sign-in in the browser')
          .default(300)
          .argParser(parseTimeout),
      )
      .option('--client-credentials', 'sign in as the application itself (client credentials grant), no browser')
      .option('--client-secret-stdin', 'read the client secret from standard input (with --client-credentials)')
      .addHelpText(
        'after',
        [
          '',
          'Signing in as a user (authorization code flow with PKCE): the CLI listens on 127.0.0.1 on a free port,',
          'prints the URL to open and opens your browser (not with --no-browser, in CI or without a terminal).',
          'Add this redirect URI to your application first; any port is allowed for it (RFC 8252):',
          '  http://127.0.0.1/callback',
          '',
          'The server must be https, except on 127.0.0.1, [::1] and localhost; --insecure allows http elsewhere.',
          '',
          'Profiles are JSON files (mode 0600) in $FLEXGATE_CONFIG_DIR/profiles, else',
          '$XDG_CONFIG_HOME/flexgate/profiles, else ~/.config/flexgate/profiles. A profile that other users',
          'can read is refused (chmod 600 it).',
          '',
          'Examples:',
          '  flexgate login --base-url https://flexgate.example.com --client-id app_123 \\',
          '    --scope "read:contacts write:contacts"',
          '  printf %s "$CLIENT_SECRET" | flexgate login --client-credentials --base-url https://flexgate.example.com \\',
          '    --client-id app_123 --client-secret-stdin --profile ci',
        ].join('\n'),
      )
      .action(async (flags: LoginFlags, command: Command) => {
        const settings = await checkUsage(command, () => checkLoginFlags(flags));
        if (flags.clientCredentials === true) await loginWithClientCredentials(flags, settings);
        else await loginInBrowser(flags, settings);
      }),
  );

  usageExitCode2(
    program
      .command('token')
      .description('print a valid access token of a profile (refreshed when needed)')
      .addOption(profileOption())
      .addHelpText(
        'after',
        [
          '',
          'Only the token goes to standard output, so it can be used in scripts:',
          '  curl -H "Authorization: Bearer $(flexgate token)" https://flexgate.example.com/api/v0.0.1/me',
        ].join('\n'),
      )
      .action(async (flags: { profile: string }) => {
        const profile = await readProfile(flags.profile);
        // A renewal runs under the profile's lock (ProfileTokenStore.lock).
        const token = await clientFor(flags.profile, profile)
          .getAccessToken()
          .catch((error: unknown) => {
            throw describeError(error, profile.baseUrl);
          });
        process.stdout.write(`${token}\n`);
      }),
  );

  usageExitCode2(
    program
      .command('api')
      .description('call the REST API with the token of a profile and print the JSON answer')
      .argument('<method>', `the HTTP method: ${METHODS.join(', ')}`)
      .argument('<path>', `the path below ${API_BASE_PATH}, with an optional query, e.g. "/contacts?limit=10"`)
      .option('--data <json>', 'the JSON body, or @file to read it from a file (@- for standard input)')
      .option('--idempotency-key <key>', 'sent as Idempotency-Key (a repeated create returns the first result)')
      .addOption(profileOption())
      .addHelpText(
        'after',
        [
          '',
          "Exit codes: 0 for a 2xx answer, 1 when the call fails (the API's message on standard error),",
          '2 when the command is used wrongly (e.g. --data that is not JSON).',
          '',
          'Examples:',
          '  flexgate api GET /me',
          '  flexgate api GET "/contacts?limit=10"',
          '  flexgate api POST /contacts --data \'{"name":"Ada"}\' --idempotency-key 7f9c…',
          '  flexgate api PATCH /contacts/ct_123 --data @contact.json',
        ].join('\n'),
      )
      .action(async (rawMethod: string, rawPath: string, flags: ApiFlags, command: Command) => {
        const { method, path, query, body } = await checkUsage(command, async () => {
          const upper = rawMethod.toUpperCase();
          const method = METHODS.find((known) => known === upper);
          if (method === undefined) {
            throw new UsageError(`METHOD must be one of ${METHODS.join(', ')} (got ${rawMethod})`);
          }
          const body = flags.data === undefined ? undefined : await readData(flags.data);
          return { method, ...parseApiPath(rawPath), body };
        });
        const profile = await readProfile(flags.profile);
        const client = clientFor(flags.profile, profile);
        try {
          // Every renewal (the refresh after a 401 included) runs under the profile's lock.
          const response = await client.request<unknown>({
            operationId: `${method} ${path}`,
            method,
            path,
            ...(Object.keys(query).length === 0 ? {} : { query }),
            ...(body === undefined ? {} : { body }),
            ...(flags.idempotencyKey === undefined ? {} : { idempotencyKey: flags.idempotencyKey }),
          });
          if (response.data !== undefined) process.stdout.write(`${printableJson(response.data)}\n`);
        } catch (error) {
          throw describeError(error, profile.baseUrl);
        }
      }),
  );
}
