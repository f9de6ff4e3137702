import { invalidRequest } from './errors.js';

/** Request parameters as a transport parsed them: a repeated parameter arrives as an array. */
export type RawParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Reads one parameter. RFC 6749 §3.1/§3.2: parameters MUST NOT be included more than once, and parameters
 * sent without a value are treated as omitted.
 */
export function optionalParam(params: RawParams, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw invalidRequest(`The ${name} parameter must not be repeated`);
  if (value !== undefined && typeof value !== 'string') throw invalidRequest(`The ${name} parameter must be a string`);
  return value === undefined || value === '' ? undefined : value;
}

export function requiredParam(params: RawParams, name: string): string {
  const value = optionalParam(params, name);
  if (value === undefined) throw invalidRequest(`The ${name} parameter is required`);
  return value;
}

/** The first repeated parameter among `names`, if any. */
export function repeatedParam(params: RawParams, names: readonly string[]): string | undefined {
  return names.find((name) => Array.isArray(params[name]));
}
