#!/usr/bin/env node
/**
 * Generates the typed operation methods of @flexgate/client from the server's OpenAPI document
 * (packages/client/openapi.json, a committed snapshot kept in step by test/sdk/openapi-snapshot.test.ts):
 *
 *   src/generated/types.ts       one type per components.schemas entry, and per operation its
 *                                <Op>Query, <Op>PathParams, <Op>Body and <Op>Response types
 *   src/generated/operations.ts  `interface Operations` (one method per operationId) and
 *                                `createOperations(call)`, which turns each method into an ApiRequest
 *
 * Usage: node scripts/generate.mjs [--in openapi.json] [--out src/generated]
 *
 * Why not openapi-typescript: it needs the TypeScript compiler's JS API, which TypeScript 7 (the native
 * compiler this repo uses) does not ship. The document uses a small JSON Schema subset, so this is a small
 * emitter with no dependencies: type string/number/integer/boolean/null/array/object, `type` arrays,
 * anyOf/oneOf/allOf, enum, const, $ref to #/components/schemas, properties/required,
 * additionalProperties, items and description. Anything else structural (prefixItems, not, if/then, …)
 * fails the generation instead of being typed wrongly; validation keywords (pattern, minimum, …) are ignored.
 *
 * The output depends only on the document (its order, no timestamps), and files whose content did not
 * change are not rewritten, so repeated builds leave them alone.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Schema names that would shadow a global (or read badly) in generated code. */
const RENAMED_SCHEMAS = { Error: 'ApiErrorBody' };

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Keywords that only constrain values TypeScript cannot express anyway; they are left out of the types. */
const IGNORED_KEYWORDS = new Set([
  '$schema',
  'title',
  'description',
  'default',
  'example',
  'examples',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'readOnly',
  'writeOnly',
  'deprecated',
  'contentEncoding',
  'contentMediaType',
]);
const STRUCTURAL_KEYWORDS = new Set([
  'type',
  'enum',
  'const',
  '$ref',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
]);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function pascalCase(name) {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

const propertyKey = (name) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** A TSDoc block (or nothing) for these paragraphs, indented by `indent`. */
function tsdoc(text, indent) {
  if (text === undefined || text.trim() === '') return '';
  const lines = text.trim().replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)).join('\n')}\n${indent} */\n`;
}

/** The doc comment of a property: its description, and in request bodies its default. */
function propertyDoc(schema, mode) {
  const parts = [];
  if (typeof schema.description === 'string') parts.push(schema.description);
  if (typeof schema.format === 'string') parts.push(`Format: \`${schema.format}\`.`);
  if (mode === 'input' && 'default' in schema) parts.push(`@defaultValue \`${JSON.stringify(schema.default)}\``);
  return parts.join('\n\n');
}

class Emitter {
  constructor(document) {
    this.document = document;
    this.schemaNames = new Map(
      Object.keys(document.components?.schemas ?? {}).map((name) => [name, RENAMED_SCHEMAS[name] ?? name]),
    );
  }

  refName(ref) {
    const match = /^#\/components\/schemas\/(.+)$/.exec(ref);
    const name = match && this.schemaNames.get(match[1]);
    if (!name) throw new Error(`unsupported $ref ${ref}`);
    return name;
  }

  resolve(ref, section) {
    const prefix = `#/components/${section}/`;
    if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref} (expected ${prefix}…)`);
    const target = this.document.components?.[section]?.[ref.slice(prefix.length)];
    if (target === undefined) throw new Error(`dangling $ref ${ref}`);
    return target;
  }

  /**
   * The TypeScript type of a schema. `mode` is 'output' for what the server sends and 'input' for request
   * bodies, where a property with a default may be left out even when the document lists it as required.
   */
  type(schema, indent, mode, where) {
    if (schema === true || schema === undefined) return 'unknown';
    if (schema === false) return 'never';
    for (const key of Object.keys(schema)) {
      if (!IGNORED_KEYWORDS.has(key) && !STRUCTURAL_KEYWORDS.has(key) && !key.startsWith('x-')) {
        throw new Error(`${where}: unsupported JSON Schema keyword "${key}"`);
      }
    }
    if (schema.$ref !== undefined) return this.refName(schema.$ref);
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (Array.isArray(schema.enum)) return union(schema.enum.map((value) => JSON.stringify(value)));
    if (Array.isArray(schema.allOf)) {
      return schema.allOf.map((part, i) => wrap(this.type(part, indent, mode, `${where}.allOf[${i}]`))).join(' & ');
    }
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(alternatives)) {
      return union(alternatives.map((part, i) => this.type(part, indent, mode, `${where}.anyOf[${i}]`)));
    }
    const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
    if (types.length === 0) {
      if (schema.properties !== undefined || schema.additionalProperties !== undefined) {
        return this.objectType(schema, indent, mode, where);
      }
      if (schema.items !== undefined) return this.arrayType(schema, indent, mode, where);
      return 'unknown';
    }
    return union(
      types.map((type) => {
        switch (type) {
          case 'string':
            return 'string';
          case 'number':
          case 'integer':
            return 'number';
          case 'boolean':
            return 'boolean';
          case 'null':
            return 'null';
          case 'array':
            return this.arrayType(schema, indent, mode, where);
          case 'object':
            return this.objectType(schema, indent, mode, where);
          default:
            throw new Error(`${where}: unsupported type "${type}"`);
        }
      }),
    );
  }

  arrayType(schema, indent, mode, where) {
    if (Array.isArray(schema.items)) throw new Error(`${where}: tuple "items" is not supported`);
    const item = this.type(schema.items, indent, mode, `${where}[]`);
    return IDENTIFIER.test(item) ? `${item}[]` : `Array<${item}>`;
  }

  objectType(schema, indent, mode, where) {
    const properties = Object.entries(schema.properties ?? {});
    const extra = schema.additionalProperties;
    const extraType = extra === false ? undefined : this.type(extra ?? true, indent, mode, `${where}.*`);
    if (properties.length === 0) return extra === false ? 'Record<string, never>' : `Record<string, ${extraType}>`;
    const required = new Set(schema.required ?? []);
    const inner = `${indent}  `;
    let body = '';
    for (const [name, property] of properties) {
      const optional = !required.has(name) || (mode === 'input' && property !== null && 'default' in property);
      body += tsdoc(propertyDoc(property, mode), inner);
      body += `${inner}${propertyKey(name)}${optional ? '?' : ''}: ${this.type(property, inner, mode, `${where}.${name}`)};\n`;
    }
    // Declared extra properties: each must fit the index signature, so widen it to unknown.
    if (extra !== undefined && extra !== false) body += `${inner}[key: string]: unknown;\n`;
    return `{\n${body}${indent}}`;
  }
}

function union(members) {
  const unique = [...new Set(members)];
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

const wrap = (type) => (type.includes(' | ') ? `(${type})` : type);

/** Every operation of the document, in document order. */
function operationsOf(document) {
  const operations = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      if (typeof operation.operationId !== 'string') throw new Error(`${method.toUpperCase()} ${path}: no operationId`);
      operations.push({ path, method: method.toUpperCase(), item, operation });
    }
  }
  return operations;
}

const HEADER = (source) =>
  `// Generated by packages/client/scripts/generate.mjs from ${source}. Do not edit: change the server's\n` +
  '// routes, run `npm run sdk:openapi` and build the package.\n';

function generate(document, source = 'openapi.json') {
  const emitter = new Emitter(document);
  const typeNames = new Set();
  const declare = (name) => {
    if (typeNames.has(name)) throw new Error(`two generated types are called ${name}`);
    typeNames.add(name);
    return name;
  };

  let types = `${HEADER(source)}\n`;
  for (const [original, schema] of Object.entries(document.components?.schemas ?? {})) {
    const name = declare(emitter.schemaNames.get(original));
    const description =
      original === name
        ? schema.description
        : [schema.description, `\`${original}\` in the OpenAPI document.`].filter(Boolean).join('\n\n');
    types += `${tsdoc(description, '')}export type ${name} = ${emitter.type(schema, '', 'output', original)};\n\n`;
  }

  const methods = [];
  for (const { path, method, item, operation } of operationsOf(document)) {
    const id = operation.operationId;
    const Op = pascalCase(id);
    const where = `${method} ${path}`;
    const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((parameter) =>
      parameter.$ref === undefined ? parameter : emitter.resolve(parameter.$ref, 'parameters'),
    );
    const byLocation = { path: [], query: [] };
    let idempotencyKey = false;
    for (const parameter of parameters) {
      if (parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key') idempotencyKey = true;
      else if (parameter.in === 'path' || parameter.in === 'query') byLocation[parameter.in].push(parameter);
      else throw new Error(`${where}: unsupported ${parameter.in} parameter ${parameter.name}`);
    }
    for (const name of path.matchAll(/\{([^}]+)\}/g)) {
      if (!byLocation.path.some((parameter) => parameter.name === name[1])) {
        throw new Error(`${where}: path parameter {${name[1]}} is not declared`);
      }
    }

    const parameterType = (list, location) => {
      let body = '';
      for (const parameter of list) {
        const required = location === 'path' || parameter.required === true;
        body += tsdoc(parameter.description ?? parameter.schema?.description, '  ');
        const type = emitter.type(parameter.schema, '  ', 'input', `${where} ${location} ${parameter.name}`);
        body += `  ${propertyKey(parameter.name)}${required ? '' : '?'}: ${type};\n`;
      }
      return `{\n${body}}`;
    };

    const params = [];
    if (byLocation.path.length > 0) {
      const name = declare(`${Op}PathParams`);
      types += `${tsdoc(`The path parameters of \`${id}\` (${method} ${path}).`, '')}export type ${name} = ${parameterType(byLocation.path, 'path')};\n\n`;
      params.push({ key: 'path', field: 'pathParams', type: name, required: true });
    }
    if (byLocation.query.length > 0) {
      const name = declare(`${Op}Query`);
      types += `${tsdoc(`The query parameters of \`${id}\` (${method} ${path}).`, '')}export type ${name} = ${parameterType(byLocation.query, 'query')};\n\n`;
      params.push({
        key: 'query',
        field: 'query',
        type: name,
        required: byLocation.query.some((parameter) => parameter.required === true),
      });
    }
    if (operation.requestBody !== undefined) {
      const requestBody =
        operation.requestBody.$ref === undefined
          ? operation.requestBody
          : emitter.resolve(operation.requestBody.$ref, 'requestBodies');
      const schema = requestBody.content?.['application/json']?.schema;
      if (schema === undefined) throw new Error(`${where}: the request body is not application/json`);
      const name = declare(`${Op}Body`);
      types += `${tsdoc(`The request body of \`${id}\` (${method} ${path}).`, '')}export type ${name} = ${emitter.type(schema, '', 'input', `${where} body`)};\n\n`;
      params.push({ key: 'body', field: 'body', type: name, required: requestBody.required === true });
    }
    if (idempotencyKey)
      params.push({ key: 'idempotencyKey', field: 'idempotencyKey', type: 'string', required: false });

    // The response: the union of the 2xx bodies; void when none has one (204).
    const successTypes = [];
    for (const [status, value] of Object.entries(operation.responses ?? {})) {
      if (!/^2\d\d$/.test(status)) continue;
      const response = value.$ref === undefined ? value : emitter.resolve(value.$ref, 'responses');
      const content = response.content;
      if (content === undefined) successTypes.push('void');
      else {
        const schema = content['application/json']?.schema;
        if (schema === undefined) throw new Error(`${where}: response ${status} is not application/json`);
        successTypes.push(emitter.type(schema, '', 'output', `${where} ${status}`));
      }
    }
    if (successTypes.length === 0) throw new Error(`${where}: no 2xx response`);
    const responseName = declare(`${Op}Response`);
    const responseType = union(successTypes);
    types += `${tsdoc(`What \`${id}\` (${method} ${path}) resolves to.`, '')}export type ${responseName} = ${responseType};\n\n`;
    // Name a plain schema (`Promise<Contact>`) rather than its alias; inline shapes by their alias.
    const returnType =
      responseType === 'void' || [...emitter.schemaNames.values()].includes(responseType) ? responseType : responseName;

    methods.push({ id, path, method, operation, params, returnType });
  }

  let operations = HEADER(source);
  const usedTypes = new Set(methods.flatMap(({ params, returnType }) => [...params.map((p) => p.type), returnType]));
  usedTypes.delete('string');
  usedTypes.delete('void');
  operations += "import type { ApiCall, ApiRequest } from '../api-call.js';\n";
  if (usedTypes.size > 0) {
    operations += `import type {\n${[...usedTypes]
      .sort()
      .map((name) => `  ${name},\n`)
      .join('')}} from './types.js';\n`;
  }
  operations +=
    '\n/** One method per operation of the API, named by its operationId. */\nexport interface Operations {\n';
  for (const { id, path, method, operation, params, returnType } of methods) {
    operations += tsdoc(methodDoc(operation, method, path), '  ');
    operations += `  ${id}(${paramsSignature(params)}): Promise<${returnType}>;\n`;
  }
  operations += '}\n\n';
  operations +=
    '/** The operation methods on top of `call`, which sends an ApiRequest (the client runtime provides it). */\n' +
    'export function createOperations(call: ApiCall): Operations {\n  return {\n';
  for (const { id, path, method, params, returnType } of methods) {
    const required = params.filter((p) => p.required);
    const optional = params.filter((p) => !p.required);
    const fields = [
      `operationId: '${id}'`,
      `method: '${method}'`,
      `path: ${JSON.stringify(path).replaceAll('"', "'")}`,
    ];
    for (const p of required) fields.push(`${p.field}: params.${p.key}`);
    const argument = params.length === 0 ? '' : 'params';
    if (optional.length === 0) {
      operations += `    ${id}(${argument}) {\n`;
      operations += `      return call<${returnType}>({ ${fields.join(', ')} }).then((response) => response.data);\n`;
    } else {
      const access = required.length === 0 ? 'params?.' : 'params.';
      operations += `    ${id}(${argument}) {\n`;
      operations += `      const request: ApiRequest = { ${fields.join(', ')} };\n`;
      for (const p of optional) {
        operations += `      if (${access}${p.key} !== undefined) request.${p.field} = ${access.replace('?', '')}${p.key};\n`;
      }
      operations += `      return call<${returnType}>(request).then((response) => response.data);\n`;
    }
    operations += '    },\n';
  }
  operations += '  };\n}\n';
  if (!operations.includes('ApiRequest =')) operations = operations.replace('ApiCall, ApiRequest }', 'ApiCall }');

  return { 'types.ts': types.replace(/\n+$/, '\n'), 'operations.ts': operations };
}

function paramsSignature(params) {
  if (params.length === 0) return '';
  const fields = params.map((p) => `${p.key}${p.required ? '' : '?'}: ${p.type}`).join('; ');
  return `params${params.some((p) => p.required) ? '' : '?'}: { ${fields} }`;
}

/** Summary, description and the scopes the operation needs (from `security`). */
function methodDoc(operation, method, path) {
  const paragraphs = [operation.summary, ...(operation.description ?? '').split(/\n\s*\n/)]
    .map((paragraph) => paragraph?.trim())
    // The server spells the scopes out in the description too; they are rendered from `security` below.
    .filter((paragraph) => paragraph && !paragraph.startsWith('Scopes:'));
  const requirements = operation.security ?? [];
  const scopes = [...new Set(requirements.flatMap((requirement) => Object.values(requirement).flat()))];
  if (requirements.length === 0) paragraphs.push('No access token needed.');
  else if (scopes.length === 0) {
    if (!paragraphs.some((paragraph) => paragraph.includes('Any valid access token'))) {
      paragraphs.push('Any valid access token may call this.');
    }
  } else paragraphs.push(`Scopes: ${scopes.map((scope) => `\`${scope}\``).join(', ')}.`);
  paragraphs.push(`\`${method} ${path}\``);
  return paragraphs.join('\n\n');
}

function writeIfChanged(file, content) {
  let current;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) return false;
  writeFileSync(file, content);
  return true;
}

function main() {
  const { values } = parseArgs({
    options: { in: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const input = resolve(values.in ?? resolve(PACKAGE_DIR, 'openapi.json'));
  const output = resolve(values.out ?? resolve(PACKAGE_DIR, 'src/generated'));
  const document = JSON.parse(readFileSync(input, 'utf8'));
  const files = generate(document, 'openapi.json');
  mkdirSync(output, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeIfChanged(resolve(output, name), content);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (error) {
    console.error(`generate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
