import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { operations } from '@skytells/contract';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { JsonObject } from '../../../core/inference/inference-ports.js';
import type { InferenceCaller } from '../../../core/inference/inference-usage-recorder.js';
import { apiKeyOrTokenCaller, authenticate } from '../authenticate.js';
import { toApiError } from '../error-handler.js';
import { routeOf } from '../route-of.js';
import type { Services } from '../services.js';

/** Largest chat completion request: long conversations and inline images outgrow the API's 64 KiB (docs/inference.md). */
export const INFERENCE_BODY_LIMIT = 4 * 1024 * 1024;

/** The account and API key an inference call is counted against; tokens and sessions count as no key. */
function callerOf(request: FastifyRequest): InferenceCaller {
  const { accountId, credential } = apiKeyOrTokenCaller(request);
  return { accountId, apiKeyId: credential.kind === 'api_key' ? credential.id : null };
}

/**
 * The chunks as server-sent events, ending with `data: [DONE]` as OpenAI's streams do. A provider
 * failing mid-stream, after the 200 went out, ends it with an `error` event in OpenAI's shape instead.
 */
async function* eventStream(
  chunks: AsyncIterable<JsonObject>,
  log: FastifyBaseLogger,
): AsyncGenerator<string> {
  try {
    for await (const chunk of chunks) {
      yield `data: ${JSON.stringify(chunk)}\n\n`;
      // A provider's own error event ends the stream as a failure would.
      if ('error' in chunk) return;
    }
  } catch (error) {
    const problem = toApiError(error);
    log.warn({ code: problem.code, detail: problem.privateDetail }, 'inference stream broke off');
    yield `data: ${JSON.stringify({ error: { message: problem.detail, type: problem.code, code: problem.code } })}\n\n`;
    return;
  }
  yield 'data: [DONE]\n\n';
}

/** `POST /v1/chat/completions`: the model-inference gateway (docs/inference.md). */
export const inferenceRoutes: FastifyPluginAsyncTypebox<{ services: Services }> = async (
  app,
  { services },
) => {
  app.route({
    ...routeOf(operations.createChatCompletion),
    bodyLimit: INFERENCE_BODY_LIMIT,
    onRequest: authenticate(services, operations.createChatCompletion.auth),
    handler: async (request, typedReply) => {
      // The answer leaves as text or a stream, not as the object the response schema types.
      const reply: FastifyReply = typedReply;
      const abort = new AbortController();
      // The client going away abandons the provider call, and its stream with it.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) abort.abort();
      });
      const answer = await services.inference.gateway.complete(callerOf(request), request.body, abort.signal);
      if (answer.kind === 'completion') {
        // Sent as text: the response schema would drop the provider's fields it does not name.
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(answer.completion));
      }
      return (
        reply
          .type('text/event-stream; charset=utf-8')
          .header('cache-control', 'no-cache')
          // nginx and similar proxies pass each event on at once instead of buffering the answer.
          .header('x-accel-buffering', 'no')
          .send(Readable.from(eventStream(answer.chunks, request.log), { objectMode: false }))
      );
    },
  });
};
