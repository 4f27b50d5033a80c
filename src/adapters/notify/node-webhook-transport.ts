import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookRequest, WebhookTransport } from '../../core/webhooks/webhook-transport.js';
import { isPublicAddress, publicOnlyLookup } from './webhook-address-policy.js';

/** Options of {@link NodeWebhookTransport}. */
export interface NodeWebhookTransportOptions {
  /** Lets receivers on loopback and private addresses through (`SKYTELLS_WEBHOOK_ALLOW_PRIVATE`). */
  allowPrivate: boolean;
  /** How long one try may take, connection to last byte. Default 10 s. */
  timeoutMs?: number;
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * {@link WebhookTransport} on `node:http(s)`. The connection is made to the very addresses that were
 * checked: the host name is resolved by this transport's own lookup, which refuses the connection when
 * any address is not public, so a name pointed at a private address after registration (DNS
 * rebinding) reaches nothing.
 */
export class NodeWebhookTransport implements WebhookTransport {
  readonly #allowPrivate: boolean;
  readonly #timeoutMs: number;

  constructor(options: NodeWebhookTransportOptions) {
    this.#allowPrivate = options.allowPrivate;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async refusalOf(raw: string): Promise<string | undefined> {
    if (this.#allowPrivate) return undefined;
    const host = hostOf(new URL(raw));
    if (isIP(host) !== 0) return isPublicAddress(host) ? undefined : `${host} is not a public address.`;
    let addresses: LookupAddress[];
    try {
      addresses = await resolve(host);
    } catch {
      return `${host} does not resolve.`;
    }
    const refused = addresses.find((address) => !isPublicAddress(address.address));
    return refused === undefined
      ? undefined
      : `${host} resolves to ${refused.address}, which is not a public address.`;
  }

  post(request: WebhookRequest): Promise<{ status: number }> {
    const url = new URL(request.url);
    const host = hostOf(url);
    if (!this.#allowPrivate && isIP(host) !== 0 && !isPublicAddress(host)) {
      return Promise.reject(new Error(`${host} is not a public address`));
    }
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
      signal: AbortSignal.timeout(this.#timeoutMs),
      // One connection per try: a pooled socket would skip the lookup below.
      agent: false,
      ...(this.#allowPrivate ? {} : { lookup: publicOnlyLookup }),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolvePost, rejectPost) => {
      // Redirects are not followed: a 3xx is an answer like any other, and not a success.
      const outgoing = send(url, options, (response) => {
        response.resume();
        response.on('error', () => undefined);
        resolvePost({ status: response.statusCode ?? 0 });
      });
      outgoing.on('error', (error) =>
        rejectPost(
          error.name === 'AbortError' || error.name === 'TimeoutError' ? new Error('timed out') : error,
        ),
      );
      outgoing.end(request.body);
    });
  }
}

function resolve(host: string): Promise<LookupAddress[]> {
  return new Promise((resolveLookup, rejectLookup) => {
    dnsLookup(host, { all: true }, (error, addresses) =>
      error ? rejectLookup(error) : resolveLookup(addresses),
    );
  });
}
