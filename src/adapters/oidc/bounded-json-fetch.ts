import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress, publicOnlyLookup } from '../notify/webhook-address-policy.js';

/** Options of {@link fetchBoundedJson}. */
export interface BoundedFetchOptions {
  /** Connection to last byte. */
  timeoutMs: number;
  /** Largest body, in bytes; a larger one is refused. */
  maxBytes: number;
  /** Lets loopback and private addresses through (`SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER`). */
  allowPrivate: boolean;
}

/** Whether `host` (a URL's hostname) is this machine: `localhost`, 127.0.0.0/8 or `[::1]`. */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * GETs a JSON document over `https://` (or `http://` on loopback when private addresses are allowed)
 * from public addresses only, within a time and a size limit, following no redirect.
 * @throws Error saying why, never with the body in it.
 */
export function fetchBoundedJson(raw: string, options: BoundedFetchOptions): Promise<unknown> {
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && options.allowPrivate && isLoopbackHost(url.hostname))
  )
    return Promise.reject(new Error(`${url.origin} is not an https:// URL`));
  if (!options.allowPrivate && isIP(host) !== 0 && !isPublicAddress(host))
    return Promise.reject(new Error(`${host} is not a public address`));
  const requestOptions: RequestOptions = {
    method: 'GET',
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(options.timeoutMs),
    // One connection per fetch: a pooled socket would skip the lookup below.
    agent: false,
    ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
  };
  const get = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = get(url, requestOptions, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`${url.origin}${url.pathname} answered ${response.statusCode ?? 0}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          response.destroy();
          reject(new Error(`${url.origin}${url.pathname} is larger than ${options.maxBytes / 1024} KiB`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error) => reject(error));
      response.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch {
          reject(new Error(`${url.origin}${url.pathname} is not JSON`));
        }
      });
    });
    outgoing.on('error', (error) => reject(error));
    outgoing.end();
  });
}
