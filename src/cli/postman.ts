import { type Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config.js';
import { API_ROUTES } from '../http/api/index.js';
import { buildOpenApiDocument } from '../http/api/openapi.js';
import { buildPostmanCollection } from '../http/api/postman.js';
import { printJson } from './shared.js';

interface DocFlags {
  baseUrl?: string;
}

/** An http(s) URL without query or fragment; a trailing slash is dropped so paths join cleanly. */
function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('must be an http(s) URL, e.g. https://api.example.com');
  }
  if (!/^https?:$/.test(url.protocol) || url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError('must be an http(s) URL without query or fragment');
  }
  return url.toString().replace(/\/$/, '');
}

const baseUrlOption = () =>
  new Option('--base-url <url>', 'the server the document points at (default: the configured issuer)').argParser(
    parseBaseUrl,
  );

/** The issuer the documents use: --base-url, else FLEXGATE_ISSUER / FLEXGATE_PORT as `serve` would. No database. */
const issuerOf = (flags: DocFlags) => flags.baseUrl ?? loadConfig({}).core.issuer;

/** `flexgate postman` and `flexgate openapi`: the API's Postman collection and OpenAPI document on stdout. */
export function registerPostman(program: Command): void {
  program
    .command('postman')
    .description('print the Postman collection (v2.1) of the REST API as JSON')
    .addOption(baseUrlOption())
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
    .action((flags: DocFlags) => {
      const issuer = issuerOf(flags);
      printJson(buildPostmanCollection(buildOpenApiDocument(API_ROUTES, { issuer }), { baseUrl: issuer }));
    });
  program
    .command('openapi')
    .description('print the OpenAPI 3.1 document of the REST API as JSON')
    .addOption(baseUrlOption())
    .addHelpText('after', '\nExample:\n  flexgate openapi > openapi.json && npx redocly lint openapi.json')
    .action((flags: DocFlags) => {
      printJson(buildOpenApiDocument(API_ROUTES, { issuer: issuerOf(flags) }));
    });
}
