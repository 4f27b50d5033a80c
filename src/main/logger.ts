import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
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

/**
 * Where the server logs: on a terminal, lines a person reads (time, level, message, then the fields);
 * otherwise (piped to a file, journald, a log collector) one JSON object per line. Both synchronous:
 * nothing is lost when the process ends.
 */
export function standardOutput(isTerminal = process.stdout.isTTY === true): pino.DestinationStream {
  if (!isTerminal) return pino.destination({ dest: 1, sync: true });
  return pinoPretty({
    destination: 1,
    sync: true,
    colorize: pinoPretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    singleLine: true,
  });
}

/** The server's structured logger; to standard output ({@link standardOutput}) unless told otherwise. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: requestLogFields },
    },
    destination ?? standardOutput(),
  );
}
