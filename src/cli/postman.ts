import { type Command, Option } from 'commander';
import { buildOpenApiDocument } from '../apis/docs/openapi.js';
import { buildPostmanCollection } from '../apis/docs/postman.js';
import { API_ROUTES } from '../apis/example/index.js';
import { EXAMPLE_SCOPES } from '../apis/example/scopes.js';
import { configFileOption, loadCommandConfig } from './config-options.js';
import { checkHttpUrl, checkUsage, printJson } from './shared.js';

interface DocFlags {
  baseUrl?: string;
  config?: string;
}

const baseUrlOption = () =>
  new Option('--base-url <url>', 'the server the document points at (default: the configured issuer)');

/**
 * The issuer the documents use: --base-url (any http(s) URL without credentials, query or fragment; a trailing
 * slash dropped so paths join cleanly), else the issuer `serve` would have (its configuration file, FLEXGATE_ISSUER,
 * FLEXGATE_PORT). No database.
 * A refused --base-url exits 1, like commander's other errors of these commands.
 */
const issuerOf = (flags: DocFlags, command: Command): Promise<string> =>
  checkUsage(
    command,
    () =>
      flags.baseUrl === undefined
        ? loadCommandConfig({ config: flags.config }).core.issuer
        : checkHttpUrl(flags.baseUrl, '--base-url').toString().replace(/\/$/, ''),
    1,
  );

/** `flexgate postman` and `flexgate openapi`: the API's Postman collection and OpenAPI document on stdout. */
export function registerPostman(program: Command): void {
  program
    .command('postman')
    .description('print the Postman collection (v2.1) of the REST API as JSON')
    .addOption(baseUrlOption())
    .addOption(configFileOption())
    .addHelpText(
      'after',
      [
        '',
        'The collection fetches its own client-credentials token: set its variables client_id and',
        'client_secret to a confidential client with the client_credentials grant.',
        '',
        'Examples:',
        '  flexgate postman > flexgate.postman_collection.json',
        '  flexgate postman --base-url https://api.example.com | newman run /dev/stdin \\',
        '    --env-var client_id=… --env-var client_secret=…',
      ].join('\n'),
    )
    .action(async (flags: DocFlags, command: Command) => {
      const issuer = await issuerOf(flags, command);
      printJson(
        buildPostmanCollection(buildOpenApiDocument(API_ROUTES, { issuer, scopes: EXAMPLE_SCOPES }), {
          baseUrl: issuer,
        }),
      );
    });
  program
    .command('openapi')
    .description('print the OpenAPI 3.1 document of the REST API as JSON')
    .addOption(baseUrlOption())
    .addOption(configFileOption())
    .addHelpText('after', '\nExample:\n  flexgate openapi > openapi.json && npx redocly lint openapi.json')
    .action(async (flags: DocFlags, command: Command) => {
      printJson(buildOpenApiDocument(API_ROUTES, { issuer: await issuerOf(flags, command), scopes: EXAMPLE_SCOPES }));
    });
}
