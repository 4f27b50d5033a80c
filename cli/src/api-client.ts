import {
  type CallInput,
  type OperationId,
  operations,
  type Page,
  requestLine,
  type SuccessOf,
} from '@skytells/contract';
import {
  type AuthSituation,
  cancelled,
  CliError,
  isAbortError,
  type ProblemBody,
  type ProblemSubject,
  problemToCliError,
} from './errors.js';

/** How long one API request may take. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  host: string;
  /** Sent as `Authorization: Bearer`; absent for the unauthenticated endpoints. */
  token?: string;
  /** Where the token came from, for the sentence an authentication failure becomes. */
  situation: AuthSituation;
  userAgent: string;
  /** Aborted by Ctrl-C. */
  signal?: AbortSignal;
  /** Called with `Skytells-Token-Expiration` when the token expires within 7 days (docs/api.md). */
  onTokenExpiring?: (expiresAt: string) => void;
}

/** What a request sends besides its method and path. */
export interface RequestOptions {
  body?: unknown;
  /** Names the target of a `not_found`, e.g. token tok_123 and how to list tokens. */
  subject?: ProblemSubject;
}

/** Operations that answer a page of items. */
type PagedOperationId = {
  [Id in OperationId]: SuccessOf<Id> extends Page<unknown> ? Id : never;
}[OperationId];

type ItemOf<Id extends PagedOperationId> = SuccessOf<Id> extends Page<infer T> ? T : never;

/** The network cause of a failed `fetch`, e.g. `ECONNREFUSED`. */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * The Skytells HTTP API (docs/api.md) over `fetch`. Every failure becomes a {@link CliError} with
 * one sentence, the command to run, and the exit code.
 */
export class ApiClient {
  readonly host: string;
  readonly #options: ApiClientOptions;
  #warnedExpiry = false;

  constructor(options: ApiClientOptions) {
    this.host = options.host;
    this.#options = options;
  }

  /**
   * Calls the API operation `id` of the contract, with its path parameters, query and body; the
   * answer is typed by the contract's response schema.
   * @throws CliError
   */
  call<Id extends OperationId>(
    id: Id,
    input: CallInput<Id>,
    options: Omit<RequestOptions, 'body'> = {},
  ): Promise<SuccessOf<Id>> {
    const parts = input as {
      params?: Record<string, string>;
      query?: Record<string, unknown>;
      body?: unknown;
    };
    const { method, path } = requestLine(id, parts);
    // A bodiless POST still says "no options" explicitly.
    const body = parts.body ?? (method === 'POST' && 'body' in operations[id] ? {} : undefined);
    return this.request<SuccessOf<Id>>(method, path, { ...options, ...(body === undefined ? {} : { body }) });
  }

  /** Every item of the paged listing `id`, following `next_cursor`. */
  async listAll<Id extends PagedOperationId>(
    id: Id,
    input: CallInput<Id>,
    options: Omit<RequestOptions, 'body'> = {},
  ): Promise<ItemOf<Id>[]> {
    const parts = input as { params?: Record<string, string>; query?: Record<string, unknown> };
    const items: ItemOf<Id>[] = [];
    let cursor: string | undefined;
    do {
      const { path } = requestLine(id, { ...parts, query: { ...parts.query, limit: 100, cursor } });
      const page = await this.request<Page<ItemOf<Id>>>('GET', path, options);
      items.push(...page.data);
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
    return items;
  }

  /** @throws CliError */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { host, token, userAgent, signal } = this.#options;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${host}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        redirect: 'error',
      });
    } catch (error) {
      if (signal?.aborted === true) throw cancelled();
      if (isAbortError(error))
        throw new CliError(`${host} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`, {
          hint: 'Check your connection and try again.',
          cause: error,
        });
      throw new CliError(`Could not reach ${host} (${networkReason(error)}).`, {
        hint: 'Check the address (--host or SKYTELLS_HOST) and that the server is running.',
        code: 'network_error',
        cause: error,
      });
    }
    const expiring = response.headers.get('skytells-token-expiration');
    if (expiring !== null && !this.#warnedExpiry) {
      this.#warnedExpiry = true;
      this.#options.onTokenExpiring?.(expiring);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok)
      throw problemToCliError(
        this.#problemOf(response.status, text),
        this.#options.situation,
        options.subject,
      );
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new CliError(`${host} answered with something that is not JSON.`, {
        hint: 'Is --host pointing at a Skytells server?',
        cause: error,
      });
    }
  }

  #problemOf(status: number, text: string): ProblemBody {
    try {
      const body = JSON.parse(text) as Partial<ProblemBody>;
      if (typeof body === 'object' && body !== null) return { ...body, status };
    } catch {
      // Not problem+json: a proxy's error page, say.
    }
    return { status };
  }
}
