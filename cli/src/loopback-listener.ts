import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The browser's request to the redirect URI, and the way to answer it. */
export interface Callback {
  /** The full redirect URI the browser was sent to, with `code`, `state` and `iss` (or `error`). */
  url: URL;
  /** Answers the browser with a short page and closes the listener. */
  respond(ok: boolean, message: string): void;
}

/** A one-shot HTTP listener on the loopback interface (RFC 8252 §7.3). */
export interface LoopbackListener {
  /** `http://127.0.0.1:<port>/callback`: registered for `skytells-cli` with any port. */
  redirectUri: string;
  /** Resolves with the first request to `/callback`; rejects when `signal` aborts. */
  callback(signal: AbortSignal): Promise<Callback>;
  close(): void;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function page(response: ServerResponse, status: number, title: string, message: string): void {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ENTITIES[c] ?? c);
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    connection: 'close',
  });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · Skytells CLI</title>` +
      '<style>body{font:16px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0}' +
      'main{max-width:28rem;padding:2rem;text-align:center}</style></head>' +
      `<body><main><h1>${escape(title)}</h1><p>${escape(message)}</p></main></body></html>`,
  );
}

/**
 * Starts listening on `127.0.0.1` on a port the system picks. Only `GET /callback` is answered;
 * the first one is handed to {@link LoopbackListener.callback} and the listener closes after it.
 */
export async function startLoopbackListener(): Promise<LoopbackListener> {
  let deliver: ((callback: Callback) => void) | undefined;
  let pending: Callback | undefined;
  let done = false;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (request.method !== 'GET' || url.pathname !== '/callback' || done) {
      page(response, 404, 'Not found', 'This address only receives the Skytells login.');
      return;
    }
    done = true;
    const callback: Callback = {
      url,
      respond: (ok, message) => {
        page(response, ok ? 200 : 400, ok ? 'Logged in' : 'Login failed', message);
        server.close();
      },
    };
    if (deliver === undefined) pending = callback;
    else deliver(callback);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const close = () => {
    // Answered requests close their connection themselves once flushed (`connection: close`).
    server.close();
    server.closeIdleConnections();
  };
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    close,
    callback: (signal) =>
      new Promise<Callback>((resolve, reject) => {
        if (signal.aborted) {
          reject(signal.reason as Error);
          return;
        }
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        if (pending !== undefined) resolve(pending);
        else deliver = resolve;
      }),
  };
}
