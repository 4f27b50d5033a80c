import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeWebhookTransport } from './node-webhook-transport.js';

describe('NodeWebhookTransport', () => {
  const server = createServer((request, response) => {
    hits += 1;
    if (request.url === '/redirect') {
      response.writeHead(302, { location: '/elsewhere' }).end();
      return;
    }
    response.writeHead(204).end();
  });
  let hits = 0;
  let port = 0;
  beforeAll(async () => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  const request = (url: string) => ({ url, body: '{}', headers: { 'Content-Type': 'application/json' } });

  it('refuses at delivery a host name that resolves to loopback, whatever it resolved to before', async () => {
    const transport = new NodeWebhookTransport({ allowPrivate: false });
    expect(await transport.refusalOf(`http://localhost:${port}/`)).toMatch(/not a public address/);
    const before = hits;
    await expect(transport.post(request(`http://localhost:${port}/`))).rejects.toThrow(
      /not a public address/,
    );
    await expect(transport.post(request(`http://127.0.0.1:${port}/`))).rejects.toThrow(
      /not a public address/,
    );
    expect(hits).toBe(before);
  });

  it('does not follow a redirect', async () => {
    const transport = new NodeWebhookTransport({ allowPrivate: true });
    const before = hits;
    expect(await transport.post(request(`http://localhost:${port}/redirect`))).toEqual({ status: 302 });
    expect(hits).toBe(before + 1);
  });

  it('gives up on a receiver that does not answer within the time-out', async () => {
    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const transport = new NodeWebhookTransport({ allowPrivate: true, timeoutMs: 200 });
    await expect(
      transport.post(request(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`)),
    ).rejects.toThrow(/timed out/);
    silent.closeAllConnections();
    silent.close();
  });
});
