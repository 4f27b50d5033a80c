/**
 * Stand-ins for model providers: real HTTP servers shaped like OpenAI's Chat Completions API and
 * Anthropic's Messages API. Each records what it received (auth headers included) and answers from a
 * queue of scripted answers, or with a canned completion.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a stand-in received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** How a stand-in answers one request. */
export type StandInAnswer =
  /** A JSON body with a status (200 by default). */
  | { json: unknown; status?: number }
  /**
   * Server-sent events, each a whole frame (`data: …\n\n`) written on its own. With `holdAfter`, the
   * stand-in writes that many frames and waits for {@link ProviderStandIn.release} before the rest.
   * With `cutAfter`, it writes that many frames and then breaks the connection off.
   */
  | { events: string[]; holdAfter?: number; cutAfter?: number }
  /** No answer at all, until the client gives up. */
  | { hang: true };

export type Flavour = 'openai' | 'anthropic';

/** A canned OpenAI chat completion for `model`, with fields the contract schema does not name. */
export function openAiCompletion(
  model: string,
  content = 'Hello from the stand-in',
): Record<string, unknown> {
  return {
    id: 'chatcmpl-standin',
    object: 'chat.completion',
    created: 1_767_225_600,
    model: `${model}-2026-01-01`,
    system_fingerprint: 'fp_standin',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

/** A canned Anthropic message for `model`. */
export function anthropicMessage(model: string, text = 'Hello from Claude'): Record<string, unknown> {
  return {
    id: 'msg_standin',
    type: 'message',
    role: 'assistant',
    model,
    content: [{ type: 'text', text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 13, output_tokens: 5 },
  };
}

const frame = (data: unknown, event?: string) =>
  `${event === undefined ? '' : `event: ${event}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** An OpenAI stream of `parts`, with the usage chunk when the request asked for it, then `[DONE]`. */
export function openAiStream(model: string, parts: string[], withUsage = true): string[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    frame({
      id: 'chatcmpl-standin',
      object: 'chat.completion.chunk',
      created: 1_767_225_600,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(withUsage ? { usage: null } : {}),
    });
  return [
    chunk({ role: 'assistant', content: '' }, null),
    ...parts.map((content) => chunk({ content }, null)),
    chunk({}, 'stop'),
    ...(withUsage
      ? [
          frame({
            id: 'chatcmpl-standin',
            object: 'chat.completion.chunk',
            created: 1_767_225_600,
            model,
            choices: [],
            usage: { prompt_tokens: 9, completion_tokens: parts.length, total_tokens: 9 + parts.length },
          }),
        ]
      : []),
    frame('[DONE]'),
  ];
}

/** An Anthropic message stream of `parts`, as the Messages API sends it. */
export function anthropicStream(model: string, parts: string[]): string[] {
  return [
    frame(
      {
        type: 'message_start',
        message: {
          id: 'msg_standin',
          type: 'message',
          role: 'assistant',
          model,
          content: [],
          stop_reason: null,
          usage: { input_tokens: 21, output_tokens: 1 },
        },
      },
      'message_start',
    ),
    frame(
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      'content_block_start',
    ),
    frame({ type: 'ping' }, 'ping'),
    ...parts.map((text) =>
      frame(
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        'content_block_delta',
      ),
    ),
    frame({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
    frame(
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 12 },
      },
      'message_delta',
    ),
    frame({ type: 'message_stop' }, 'message_stop'),
  ];
}

/** A stand-in provider listening on 127.0.0.1. */
export class ProviderStandIn {
  /** Every request received, oldest first. */
  readonly received: ReceivedRequest[] = [];
  /** How many requests the client abandoned before their answer ended. */
  aborts = 0;
  readonly #flavour: Flavour;
  readonly #queue: StandInAnswer[] = [];
  readonly #server: Server;
  #release: () => void = () => undefined;
  #released: Promise<void> = Promise.resolve();
  #abortWaiters: (() => void)[] = [];

  readonly #keepReceived: boolean;

  private constructor(flavour: Flavour, options: { keepReceived?: boolean }) {
    this.#flavour = flavour;
    this.#keepReceived = options.keepReceived ?? true;
    this.#server = createServer((request, response) => {
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        const body = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
        if (this.#keepReceived)
          this.received.push({
            method: request.method ?? '',
            path: request.url ?? '',
            headers: request.headers,
            body,
          });
        response.on('close', () => {
          if (!response.writableFinished) {
            this.aborts += 1;
            for (const wake of this.#abortWaiters.splice(0)) wake();
          }
        });
        void this.#answer(response, this.#queue.shift() ?? this.#canned(body));
      });
    });
  }

  /**
   * Starts a stand-in shaped like `flavour`'s API.
   * @param options.keepReceived false to record nothing (a benchmark's thousands of requests).
   */
  static async start(flavour: Flavour, options: { keepReceived?: boolean } = {}): Promise<ProviderStandIn> {
    const standIn = new ProviderStandIn(flavour, options);
    await new Promise<void>((resolve) => standIn.#server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  /** `http://127.0.0.1:<port>`. */
  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The latest request received. */
  get last(): ReceivedRequest {
    const last = this.received.at(-1);
    if (last === undefined) throw new Error('the stand-in has received nothing');
    return last;
  }

  /** Queues the answer to the next request; unqueued requests get a canned completion. */
  answerNext(answer: StandInAnswer): void {
    if ('events' in answer && answer.holdAfter !== undefined) {
      this.#released = new Promise((resolve) => (this.#release = resolve));
    }
    this.#queue.push(answer);
  }

  /** Lets a held stream send its remaining events. */
  release(): void {
    this.#release();
  }

  /** Resolves once clients have abandoned more than `seen` requests before their answer ended. */
  async waitForAbort(seen: number): Promise<void> {
    while (this.aborts <= seen) await new Promise<void>((resolve) => this.#abortWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.release();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #canned(body: Record<string, unknown>): StandInAnswer {
    const model = String(body['model']);
    if (body['stream'] === true) {
      return {
        events:
          this.#flavour === 'openai'
            ? openAiStream(model, ['Hel', 'lo'])
            : anthropicStream(model, ['Hel', 'lo']),
      };
    }
    return { json: this.#flavour === 'openai' ? openAiCompletion(model) : anthropicMessage(model) };
  }

  async #answer(response: ServerResponse, answer: StandInAnswer): Promise<void> {
    if ('hang' in answer) return;
    if ('json' in answer) {
      response.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.json));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const released = this.#released;
    for (const [i, event] of answer.events.entries()) {
      if (i === answer.holdAfter) await released;
      if (i === answer.cutAfter) {
        // What was written reaches the client first; then the connection breaks.
        await new Promise((resolve) => setTimeout(resolve, 50));
        response.destroy();
        return;
      }
      if (response.destroyed) return;
      response.write(event);
    }
    response.end();
  }
}
