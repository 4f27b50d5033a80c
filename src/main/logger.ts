import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

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

// Anything shaped like an access token or API key, checksum valid or not: a client may put one in a
// URL by mistake.
const TOKEN_LIKE = /(skt_|sk_live_)[0-9A-Za-z]+/g;

/** The URL of a request as logged: any token- or key-like value in the path or query is replaced. */
export function redactUrl(url: string): string {
  return url.replace(TOKEN_LIKE, '$1[redacted]');
}

/** The request fields Fastify logs by default, with the URL redacted. */
function requestSerializer(request: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** The server's structured logger. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: requestSerializer },
    },
    destination,
  );
}
