/**
 * A stand-in for the model providers' APIs: a real HTTP server on a loopback port that answers the
 * models listings the way OpenAI (`GET /models`, `Authorization: Bearer`) and Anthropic
 * (`GET /v1/models`, `x-api-key` and `anthropic-version`) do, accepting one key. Under `/redirect`
 * it redirects to the OpenAI-shaped listing; under `/hang` it never answers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/** A running stand-in. */
export interface ProviderStandIn {
  /** Base URL of the OpenAI-shaped API (`…/openai`; models at `…/openai/models`). */
  openaiUrl: string;
  /** Base URL of the Anthropic-shaped API (`…/anthropic`; models at `…/anthropic/v1/models`). */
  anthropicUrl: string;
  /** The stand-in's own root URL. */
  url: string;
  /** Every request so far. */
  received: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts a stand-in that accepts `acceptedKey` and lists `modelCount` models. */
export async function startProviderStandIn(options: {
  acceptedKey: string;
  modelCount: number;
}): Promise<ProviderStandIn> {
  const received: ReceivedRequest[] = [];
  const models = Array.from({ length: options.modelCount }, (_, i) => ({
    id: `model-${i}`,
    object: 'model',
  }));
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    received.push({ method: request.method ?? '', path, headers: request.headers });
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && path === '/openai/models') {
      if (request.headers.authorization !== `Bearer ${options.acceptedKey}`) {
        return json(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } });
      }
      return json(200, { object: 'list', data: models });
    }
    if (request.method === 'GET' && path === '/anthropic/v1/models') {
      if (request.headers['anthropic-version'] !== '2023-06-01') {
        return json(400, { type: 'error', error: { type: 'invalid_request_error' } });
      }
      if (request.headers['x-api-key'] !== options.acceptedKey) {
        return json(401, {
          type: 'error',
          error: { type: 'authentication_error', message: 'invalid x-api-key' },
        });
      }
      return json(200, { data: models, has_more: false, first_id: null, last_id: null });
    }
    if (path === '/redirect/models') {
      response.writeHead(302, { location: '/openai/models' });
      return response.end();
    }
    // Never answers: for time-outs. The connection is closed when the stand-in is.
    if (path === '/hang/models') return undefined;
    return json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    openaiUrl: `${base}/openai`,
    anthropicUrl: `${base}/anthropic`,
    received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
