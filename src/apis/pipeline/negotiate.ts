import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';

/**
 * Content negotiation of the JSON API (RFC 9110 §12.5.1, §8.3): does an Accept header allow
 * application/json, and is a Content-Type JSON.
 */

interface MediaRange {
  type: string;
  subtype: string;
  quality: number;
}

function parseMediaRange(text: string): MediaRange | undefined {
  const [range = '', ...parameters] = text.split(';').map((part) => part.trim());
  const match = /^([a-z0-9!#$%&'*+.^_`|~-]+)\/([a-z0-9!#$%&'*+.^_`|~-]+)$/i.exec(range);
  if (match === null) return undefined;
  let quality = 1;
  for (const parameter of parameters) {
    const q = /^q\s*=\s*([01](\.\d{0,3})?)$/i.exec(parameter);
    if (q !== null) quality = Number(q[1]);
  }
  return { type: (match[1] ?? '').toLowerCase(), subtype: (match[2] ?? '').toLowerCase(), quality };
}

/**
 * True when the most specific media range matching application/json has a quality above zero. A missing or
 * empty Accept accepts anything; ranges that do not parse are ignored, as browsers send odd ones.
 */
export function isJsonAcceptable(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const ranges = accept
    .split(',')
    .map(parseMediaRange)
    .filter((range) => range !== undefined);
  if (ranges.length === 0) return true;
  const specificity = (range: MediaRange) =>
    range.type === 'application' && range.subtype === 'json'
      ? 2
      : range.type === 'application' && range.subtype === '*'
        ? 1
        : range.type === '*' && range.subtype === '*'
          ? 0
          : -1;
  let best: MediaRange | undefined;
  for (const range of ranges) {
    const rank = specificity(range);
    if (rank < 0) continue;
    if (best === undefined || rank > specificity(best)) best = range;
  }
  return best !== undefined && best.quality > 0;
}

/** application/json or any application/*+json, with optional parameters (charset). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const hasBody = (request: FastifyRequest) =>
  request.headers['transfer-encoding'] !== undefined ||
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/** The pipeline's negotiation step: 406 for an Accept that rules JSON out; 415 for a body that is not JSON. */
export function checkNegotiation(request: FastifyRequest): void {
  if (!isJsonAcceptable(request.headers.accept)) {
    throw new ApiError(
      406,
      'not_acceptable',
      'This API answers in application/json only: send Accept: application/json',
    );
  }
  if (!METHODS_WITH_BODY.has(request.method) || !hasBody(request)) return;
  if (!isJsonContentType(request.headers['content-type'])) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json');
  }
}
