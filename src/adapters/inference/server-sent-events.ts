import { ApiError } from '../../core/errors.js';

/** One server-sent event: its `event` field (default `message`) and its data lines joined. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/**
 * The events of a `text/event-stream` body as they arrive, per the WHATWG HTML "Server-sent events"
 * §9.2.6 interpretation: lines end in CR, LF or CRLF; a blank line dispatches; `:` lines are comments.
 * Unlike the spec, an event cut short by the end of the body is still dispatched: some servers end
 * `data: [DONE]` without its blank line. A body that breaks off mid-read ends with `provider_error`.
 */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array>,
  provider: string,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new ApiError('provider_error', { detail: `${provider}'s stream broke off.`, cause: error });
      }
      // At the end, a last line without its line end still counts (more lenient than the spec).
      buffer += chunk.done ? `${decoder.decode()}\n` : decoder.decode(chunk.value, { stream: true });
      let end: RegExpExecArray | null;
      const lineEnd = /\r\n|\r|\n/g;
      let start = 0;
      while ((end = lineEnd.exec(buffer)) !== null) {
        // A CR at the very end may be the first half of a CRLF still in flight.
        if (end[0] === '\r' && end.index === buffer.length - 1 && !chunk.done) break;
        const line = buffer.slice(start, end.index);
        start = end.index + end[0].length;
        if (line === '') {
          if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n') };
          event = '';
          data = [];
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      buffer = buffer.slice(start);
      if (chunk.done) {
        if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n') };
        return;
      }
    }
  } finally {
    // Stops the download when the consumer stops early (the client went away).
    await reader.cancel().catch(() => undefined);
  }
}

/** The JSON of an event's data. @throws ApiError `provider_error` when it is not a JSON object. */
export function eventJson(event: ServerSentEvent, provider: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(event.data);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  throw new ApiError('provider_error', { detail: `${provider} sent a stream event that is not JSON.` });
}
