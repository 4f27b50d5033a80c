import { Agent, request } from 'node:http';

/** An answer: its status, and the problem's `code` when there is one. */
export interface Answer {
  status: number;
  code?: string;
  body: string;
}

/** A keep-alive HTTP client for one server, at most `sockets` requests in flight on it. */
export class Client {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(url: string, sockets: number) {
    const parsed = new URL(url);
    this.#host = parsed.hostname;
    this.#port = Number(parsed.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets });
  }

  /** Sends one request and reads the whole answer. */
  send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.#agent,
          host: this.#host,
          port: this.#port,
          method,
          path,
          headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            let code: string | undefined;
            if (status >= 400 && text.startsWith('{')) code = (JSON.parse(text) as { code?: string }).code;
            resolve({ status, body: text, ...(code === undefined ? {} : { code }) });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** `GET /v1/tokens/self` with `token`. */
  useToken(token: string): Promise<Answer> {
    return this.send('GET', '/v1/tokens/self', { authorization: `Bearer ${token}` });
  }

  close(): void {
    this.#agent.destroy();
  }
}
