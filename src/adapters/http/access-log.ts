import { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';

// Anything shaped like an access token or API key, checksum valid or not: a client may put one in a
// URL by mistake.
const TOKEN_LIKE = /(skt_|sk_live_)[0-9A-Za-z]+/g;

/** The URL of a request as logged: any token- or key-like value in the path or query is replaced. */
function redactUrl(url: string): string {
  // Searched for before the expression runs: nearly every URL holds neither.
  if (!url.includes('sk')) return url;
  return url.replace(TOKEN_LIKE, '$1[redacted]');
}

/** What a log line says of a request (the logger's `req` serializer): Fastify's fields, the URL redacted. */
export function requestLogFields(request: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  clientAddress?: string | null;
  socket?: { remotePort?: number };
}) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    host: request.host,
    // The address authentication read, if it did (see clientAddressOf): not parsed twice.
    remoteAddress: request.clientAddress ?? request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** What a log line says of a response (the `res` serializer): its status. */
export function responseLogFields(reply: { statusCode: number }) {
  return { statusCode: reply.statusCode };
}

/**
 * A child of `logger` for access lines only: its own serializers make every field, so it needs no
 * redaction (see {@link AccessLogController}).
 */
export function accessLoggerOf(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { redact: [], serializers: { req: requestLogFields, res: responseLogFields } });
}

/**
 * One access-log line per request, when its response is done: request id, method, URL, address,
 * status and response time together, at `info`; an errored request at `error`, as Fastify does.
 *
 * Fastify's default writes two lines, one as the request comes in and one as it completes, through
 * the request's logger, which redacts every line (REDACTED_PATHS, docs/deploy.md, "Logs"): on the path of
 * every request that cost more than verifying the token. The completed line alone names the request,
 * and what it holds is safe by construction (the logger's `req` serializer replaces token-like
 * values in the URL, and no header is written), so it goes through a logger that does not redact ({@link accessLoggerOf}).
 */
export class AccessLogController extends LogController {
  readonly #access: FastifyBaseLogger | undefined;

  /** @param access the logger of the completed lines; without one they go to the request's logger. */
  constructor(access?: FastifyBaseLogger) {
    super();
    this.#access = access;
  }

  override incomingRequest(): void {
    // The completed line names the request.
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error(
        { req: request, res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      );
      return;
    }
    const line = { reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime };
    (this.#access ?? reply.log).info(line, 'request completed');
  }
}

type LogArguments = Parameters<FastifyBaseLogger['info']>;
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>;

/**
 * A request's logger (`request.log`) that becomes the real child logger, with the request id bound,
 * only when something logs through it. Most requests never do (their one access line goes through
 * the access logger), and a pino child costs a copy of every log method and the redaction of its
 * bindings on every request.
 */
export class LazyRequestLogger implements FastifyBaseLogger {
  #child: FastifyBaseLogger | undefined;
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Record<string, unknown>;
  readonly #options: ChildLoggerOptions;

  constructor(parent: FastifyBaseLogger, bindings: Record<string, unknown>, options: ChildLoggerOptions) {
    this.#parent = parent;
    this.#bindings = bindings;
    this.#options = options;
  }

  #real(): FastifyBaseLogger {
    this.#child ??= this.#parent.child(this.#bindings, this.#options);
    return this.#child;
  }

  get level(): string {
    return this.#child?.level ?? this.#options.level ?? this.#parent.level;
  }

  set level(level: string) {
    this.#real().level = level;
  }

  fatal(...args: LogArguments): void {
    this.#real().fatal(...args);
  }

  error(...args: LogArguments): void {
    this.#real().error(...args);
  }

  warn(...args: LogArguments): void {
    this.#real().warn(...args);
  }

  info(...args: LogArguments): void {
    this.#real().info(...args);
  }

  debug(...args: LogArguments): void {
    this.#real().debug(...args);
  }

  trace(...args: LogArguments): void {
    this.#real().trace(...args);
  }

  silent(...args: LogArguments): void {
    this.#real().silent(...args);
  }

  child(bindings: Record<string, unknown>, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#real().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: each request's logger, made real on first use. */
export function lazyRequestLogger(
  logger: FastifyBaseLogger,
  bindings: Record<string, unknown>,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
