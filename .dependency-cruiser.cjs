/**
 * The import directions of Flexgate (docs/architecture.md), checked by `npm run lint:deps` inside `npm test`.
 * test/architecture/dependency-rules.test.ts proves each rule fails on a forbidden import in a temporary tree.
 */
const OAUTH_ALLOWED = ['^src/oauth/', '^(node:)?crypto$', '(^|/)node_modules/jose/'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle between files, type-only imports included.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'oauth-imports-only-itself',
      severity: 'error',
      comment: 'The protocol imports only node:crypto, jose and itself: no framework, driver, product or adapter.',
      from: { path: '^src/oauth/' },
      to: { pathNot: OAUTH_ALLOWED },
    },
    {
      name: 'storage-imports-no-http',
      severity: 'error',
      comment: 'Storage implements the ports; it knows nothing of HTTP, routes or pages.',
      from: { path: '^src/storage/' },
      to: {
        path: [
          '^src/http/',
          '^src/portal/(routes|pages)/',
          '^src/apis/(pipeline|docs)',
          '^src/cli/',
          '(^|/)node_modules/(fastify|@fastify)/',
        ],
      },
    },
    {
      name: 'pages-render-what-they-are-given',
      severity: 'error',
      comment:
        'Pages import domain types and constants, components and link helpers: no storage, routes, sessions, ' +
        'HTTP, APIs or wiring (a page that needs data gets it from its route).',
      from: { path: '^src/portal/pages/' },
      to: {
        path: [
          '^src/(storage|http|apis|cli|demo)/',
          '^src/portal/(routes/|session|session-cookie|return-to|html)',
          '^src/(server|runtime|context|config|maintenance)\\.ts$',
          '(^|/)node_modules/(fastify|@fastify|kysely|pg|better-sqlite3|ioredis)/',
        ],
      },
    },
    {
      name: 'pages-use-services-for-types-only',
      severity: 'error',
      comment: "A page may name a service's types (import type), never call it: the route calls, the page renders.",
      from: { path: '^src/portal/pages/' },
      to: {
        path: '^src/(portal/domain/(apps|accounts|sessions|connected-apps|login-throttle|users)|oauth/(?!ports|scopes))',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'sdk-imports-nothing-of-the-server',
      severity: 'error',
      comment: 'The SDK is its own package: it must build and run without the server.',
      from: { path: '^packages/client/' },
      to: { path: '^(src|test|bench)/' },
    },
    {
      name: 'products-do-not-import-each-other',
      severity: 'error',
      comment: 'The portal and the APIs meet only in the composition root (server, runtime, http/app, cli).',
      from: { path: '^src/portal/' },
      to: { path: '^src/apis/' },
    },
    {
      name: 'apis-do-not-import-the-portal',
      severity: 'error',
      from: { path: '^src/apis/' },
      to: { path: '^src/portal/' },
    },
    {
      name: 'domain-imports-no-framework',
      severity: 'error',
      comment: 'Domain code (portal/domain, the example API services) is callable without Fastify.',
      from: { path: ['^src/portal/domain/', '^src/apis/example/[^/]+/service\\.ts$'] },
      to: { path: ['^src/http/', '(^|/)node_modules/(fastify|@fastify|kysely|pg|better-sqlite3|ioredis)/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/'] },
    tsPreCompilationDeps: 'specify',
    parser: 'tsc',
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.d.ts'],
      conditionNames: ['import', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
