import { ApiError } from '../../core/errors.js';
import type { JsonObject } from '../../core/inference/inference-ports.js';

/** One POST to a provider's API. */
export interface UpstreamRequest {
  /** The provider's name, for messages. */
  provider: string;
  url: string;
  headers: Record<string, string>;
  body: JsonObject;
  /** The client's signal: aborting it abandons the call, the answer's body included. */
  signal: AbortSignal;
  /** How long the provider has to start answering (its status line and headers). */
  timeoutMs: number;
  /** The provider key, scrubbed from anything repeated to the client. */
  secret: string;
}

/** Longest provider message repeated in a problem's `detail`. */
const MAX_MESSAGE = 500;

/** undici's own time-outs (its headers time-out is 300 s): a late answer, whichever clock ran out. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Provider statuses that mean the request itself was refused, not the key or the service. */
const REQUEST_REFUSED = new Set([400, 404, 413, 422]);

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** `text` without the provider key, cut to a readable length. */
export function scrubbed(text: string, secret: string): string {
  const clean = secret.length >= 4 ? text.split(secret).join('[key]') : text;
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
}

/** The message of an OpenAI- or Anthropic-style error body (`{"error": {"message": …}}`), if any. */
function messageOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error?.message === 'string') return body.error.message;
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: the text itself is the message.
  }
  return text.trim() === '' ? undefined : text.trim();
}

/** The problem for a provider's error status. */
async function refusal(response: Response, request: UpstreamRequest): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  const { status } = response;
  if (status === 401 || status === 403) {
    // The provider's words are left out: they may quote part of the key.
    return new ApiError('provider_unauthorized', {
      detail: `${request.provider} refused the saved key (HTTP ${status}). Save a valid key and try again.`,
    });
  }
  const message = messageOf(text);
  const said = message === undefined ? '' : `: ${scrubbed(message, request.secret)}`;
  if (REQUEST_REFUSED.has(status)) {
    return new ApiError('bad_request', {
      detail: `${request.provider} refused the request (HTTP ${status})${said}`,
    });
  }
  return new ApiError('provider_error', { detail: `${request.provider} answered HTTP ${status}${said}` });
}

/**
 * POSTs `request.body` as JSON with Node's fetch (undici) and resolves once the provider's answer
 * started with a success status; its body is then read by the caller, still tied to the client's
 * signal. Only the wait for the answer to start is timed: a stream may run as long as it runs.
 * @throws ApiError `provider_timeout`, `provider_unauthorized` (401, 403), `bad_request` (400, 404,
 * 413, 422: the request was refused), `provider_error` (other statuses, unreachable, client gone).
 */
export async function postUpstream(request: UpstreamRequest): Promise<Response> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...request.headers },
      body: JSON.stringify(request.body),
      signal: AbortSignal.any([request.signal, timeout.signal]),
      redirect: 'error',
    });
    if (!response.ok) throw await refusal(response, request);
    return response;
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (request.signal.aborted) {
      throw new ApiError('provider_error', {
        detail: 'The client went away before the provider answered.',
        cause: error,
      });
    }
    if (timeout.signal.aborted || TIMEOUT_CODES.has(causeCode(error) ?? '')) {
      throw new ApiError('provider_timeout', {
        detail: `${request.provider} did not start answering within ${request.timeoutMs} ms.`,
      });
    }
    throw new ApiError('provider_error', {
      detail: `${request.provider} could not be reached.`,
      privateDetail: `${causeCode(error) ?? 'fetch failed'} ${new URL(request.url).host}`,
    });
  } finally {
    clearTimeout(timer);
  }
}

/** The JSON body of a provider's success answer. @throws ApiError `provider_error` when it is not JSON. */
export async function jsonOf(response: Response, provider: string): Promise<JsonObject> {
  try {
    const body: unknown = await response.json();
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) return body as JsonObject;
  } catch (error) {
    throw new ApiError('provider_error', {
      detail: `${provider} sent an answer that could not be read.`,
      cause: error,
    });
  }
  throw new ApiError('provider_error', {
    detail: `${provider} answered something other than a JSON object.`,
  });
}
