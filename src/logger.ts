import { pino } from 'pino';
import type { Config } from './config.js';

/**
 * The process logger: JSON lines on stdout. Credentials never reach it: request logs carry method, URL and
 * status only, and these paths are redacted in case a caller logs a header or body object by mistake.
 */
export function createLogger(level: Config['logLevel']) {
  return pino({
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.client_secret',
        '*.password',
        '*.refresh_token',
        '*.access_token',
        '*.code',
      ],
      censor: '[redacted]',
    },
  });
}
