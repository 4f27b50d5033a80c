import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';
import { requestLogFields } from '../adapters/http/access-log.js';

/**
 * Paths never written to a log: credentials in headers and any field that may carry a token,
 * password or secret.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'token',
  'password',
  'secret',
  '*.token',
  '*.password',
  '*.secret',
  '*.credentials',
  '*.csrf_token',
  'api_key',
  'apiKey',
  '*.api_key',
  '*.apiKey',
];

/** The server's structured logger. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: requestLogFields },
    },
    destination,
  );
}
