import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { knob, reportStart } from './lib/machine.js';
import { markdownTable } from './lib/markdown.js';
import { placement, scratchDir, startServer } from './lib/processes.js';
import { percentile } from './lib/stats.js';

/**
 * The latency the inference gateway adds: the same chat completions sent straight to an OpenAI-shaped
 * stand-in and through `POST /v1/chat/completions` (token verification, key decryption, the call to
 * the stand-in, the relay back, usage counting), one request at a time over keep-alive connections,
 * the two paths alternating in rounds. Non-streaming: time to the whole answer; streaming: time to
 * the first byte of the body, and to its end.
 */
const REQUESTS = knob('BENCH_GATEWAY_REQUESTS', 2000);
const ROUNDS = knob('BENCH_ROUNDS', 3);
const finish = reportStart(
  'Inference gateway: added latency over the provider',
  'gateway',
  `${REQUESTS} requests per path and kind in ${ROUNDS} alternating rounds, one at a time, after ` +
    `${Math.min(200, REQUESTS)} warm-up requests each. The gateway (SQLite) is pinned like the other ` +
    'servers; the stand-in (a Node.js HTTP server answering at once, `test/support/provider-stand-ins.ts`) ' +
    `and the client are not. ${placement()}`,
);

const standIn = await startServer('stand-in-server.ts', {}, false);
const file = join(scratchDir(), 'gateway.json');
const gateway = await startServer('gateway-server.ts', { STAND_IN_URL: standIn.url, GATEWAY_FILE: file });
const { token } = JSON.parse(readFileSync(file, 'utf8')) as { token: string };

interface Timing {
  /** Milliseconds to the first byte of the body. */
  firstByte: number;
  /** Milliseconds to the end of the body. */
  total: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
/** One POST of `body` to `url`, timed from the request to the body's first byte and its end. */
function timed(url: string, headers: Record<string, string>, body: unknown): Promise<Timing> {
  const { hostname, port, pathname } = new URL(url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByte = 0;
    const req = request(
      {
        agent,
        host: hostname,
        port: Number(port),
        method: 'POST',
        path: pathname,
        headers: { ...headers, 'content-type': 'application/json' },
      },
      (res) => {
        res.on('data', () => {
          if (firstByte === 0) firstByte = performance.now() - started;
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
          else resolve({ firstByte, total: performance.now() - started });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Milliseconds to two decimals: the differences are fractions of a millisecond. */
const ms = (n: number) => `${n.toFixed(2)} ms`;

const messages = [{ role: 'user', content: 'Say hello' }];
const paths = {
  direct: (stream: boolean) =>
    timed(
      `${standIn.url}/v1/chat/completions`,
      { authorization: 'Bearer sk-bench-provider-key' },
      {
        model: 'gpt-4o-mini',
        messages,
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      },
    ),
  gateway: (stream: boolean) =>
    timed(
      `${gateway.url}/v1/chat/completions`,
      { authorization: `Bearer ${token}` },
      {
        model: 'openai/gpt-4o-mini',
        messages,
        stream,
      },
    ),
};
type Path = keyof typeof paths;
const samples: Record<Path, { plain: number[]; firstByte: number[]; streamTotal: number[] }> = {
  direct: { plain: [], firstByte: [], streamTotal: [] },
  gateway: { plain: [], firstByte: [], streamTotal: [] },
};

for (const path of ['direct', 'gateway'] as const) {
  for (let i = 0; i < Math.min(200, REQUESTS); i++) {
    await paths[path](false);
    await paths[path](true);
  }
}
const perRound = Math.ceil(REQUESTS / ROUNDS);
for (let round = 0; round < ROUNDS; round++) {
  for (const path of ['direct', 'gateway'] as const) {
    for (let i = 0; i < perRound; i++) {
      samples[path].plain.push((await paths[path](false)).total);
      const streamed = await paths[path](true);
      samples[path].firstByte.push(streamed.firstByte);
      samples[path].streamTotal.push(streamed.total);
    }
  }
}

const figures = (path: Path) => {
  const s = samples[path];
  return {
    plain50: percentile(s.plain, 50),
    plain99: percentile(s.plain, 99),
    first50: percentile(s.firstByte, 50),
    first99: percentile(s.firstByte, 99),
    end50: percentile(s.streamTotal, 50),
  };
};
const direct = figures('direct');
const via = figures('gateway');
console.log(
  markdownTable(
    [
      'path',
      'completion p50',
      'completion p99',
      'stream first byte p50',
      'stream first byte p99',
      'stream end p50',
    ],
    [
      [
        'straight to the stand-in',
        ms(direct.plain50),
        ms(direct.plain99),
        ms(direct.first50),
        ms(direct.first99),
        ms(direct.end50),
      ],
      [
        'through the gateway',
        ms(via.plain50),
        ms(via.plain99),
        ms(via.first50),
        ms(via.first99),
        ms(via.end50),
      ],
      [
        '**added by the gateway**',
        ms(via.plain50 - direct.plain50),
        ms(via.plain99 - direct.plain99),
        ms(via.first50 - direct.first50),
        ms(via.first99 - direct.first99),
        ms(via.end50 - direct.end50),
      ],
    ],
  ),
);
agent.destroy();
await gateway.stop();
await standIn.stop();
finish();
