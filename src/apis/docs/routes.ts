import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ApiContext } from '../context.js';
import type { AnyApiRoute } from '../route.js';
import { buildOpenApiDocument } from './openapi.js';
import { buildPostmanCollection } from './postman.js';

/**
 * The API's documentation: GET /openapi.json, GET /postman.json, and Swagger UI at GET /docs. Swagger UI's
 * files come from the swagger-ui-dist package and are served by Flexgate (no CDN: the docs work offline);
 * its configuration is a script file of ours, since the CSP allows no inline script.
 */
export function apiDocsRoutes(app: FastifyInstance, ctx: ApiContext, routes: readonly AnyApiRoute[]): void {
  const issuer = ctx.config.issuer;
  // Built on first use (most processes never serve them), then kept.
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  let openapi: string | undefined;
  let postman: string | undefined;
  const openapiDocument = () => {
    document ??= buildOpenApiDocument(routes, { issuer, scopes: ctx.scopes.all });
    return document;
  };
  const openapiJson = () => {
    openapi ??= JSON.stringify(openapiDocument(), null, 2);
    return openapi;
  };
  const postmanJson = () => {
    postman ??= JSON.stringify(buildPostmanCollection(openapiDocument()), null, 2);
    return postman;
  };

  const sendJson = (reply: FastifyReply, body: string, headers: Record<string, string>) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').headers(headers).send(body);
  app.get('/openapi.json', async (_request, reply) =>
    sendJson(reply, openapiJson(), { 'access-control-allow-origin': '*' }),
  );
  app.get('/postman.json', async (_request, reply) =>
    sendJson(reply, postmanJson(), { 'content-disposition': 'inline; filename="flexgate.postman_collection.json"' }),
  );

  const assets = swaggerAssets(issuer);
  const csp = docsCsp(issuer);
  const send = (reply: FastifyReply, type: string, body: string | Buffer, cache: string) =>
    reply
      .type(type)
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', cache)
      .send(body);

  app.get('/docs', async (_request, reply) =>
    send(reply, 'text/html; charset=utf-8', DOCS_PAGE, 'no-cache').header('x-frame-options', 'DENY'),
  );
  app.get('/docs/oauth2-redirect.html', async (_request, reply) =>
    send(reply, 'text/html; charset=utf-8', assets.redirectHtml, 'no-cache'),
  );
  app.get('/docs/oauth2-redirect.js', async (_request, reply) =>
    send(reply, 'text/javascript; charset=utf-8', assets.redirectJs, 'public, max-age=3600'),
  );
  app.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
    const asset = assets.files.get(request.params.file);
    if (asset === undefined) return reply.callNotFound();
    return send(reply, asset.type, asset.body, 'public, max-age=3600');
  });
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flexgate API documentation</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/assets/docs.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

const DOCS_CSS = `html { box-sizing: border-box; overflow-y: scroll; }
*, *::before, *::after { box-sizing: inherit; }
body { margin: 0; background: #fafafa; }
`;

/**
 * Scripts and styles from this server only. Swagger UI shows inline SVG and data: images, sets element
 * styles from script (allowed: CSSOM, not inline markup) and calls the API and the token endpoint.
 */
function docsCsp(issuer: string): string {
  const issuerOrigin = new URL(issuer).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${issuerOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

interface Asset {
  type: string;
  body: string | Buffer;
}

/** Reads Swagger UI's files once, at start-up. */
function swaggerAssets(issuer: string) {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  const read = (name: string) => readFileSync(join(dist, name));
  const config = {
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    layout: 'BaseLayout',
    // No badge from validator.swagger.io: nothing may leave this server.
    validatorUrl: null,
    oauth2RedirectUrl: `${issuer}/docs/oauth2-redirect.html`,
    persistAuthorization: false,
    tryItOutEnabled: false,
    displayRequestDuration: true,
  };
  const init = [
    "'use strict';",
    'window.addEventListener("load", function () {',
    `  var config = ${JSON.stringify(config)};`,
    '  config.presets = [SwaggerUIBundle.presets.apis];',
    '  window.ui = SwaggerUIBundle(config);',
    // The authorization-code flow from the docs page uses PKCE (public clients need it; no secret in a browser).
    '  window.ui.initOAuth({ usePkceWithAuthorizationCodeGrant: true });',
    '});',
    '',
  ].join('\n');
  const files = new Map<string, Asset>([
    ['swagger-ui.css', { type: 'text/css; charset=utf-8', body: read('swagger-ui.css') }],
    ['swagger-ui-bundle.js', { type: 'text/javascript; charset=utf-8', body: read('swagger-ui-bundle.js') }],
    ['docs.css', { type: 'text/css; charset=utf-8', body: DOCS_CSS }],
    ['init.js', { type: 'text/javascript; charset=utf-8', body: init }],
  ]);
  return { files, redirectHtml: read('oauth2-redirect.html'), redirectJs: read('oauth2-redirect.js') };
}
