import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RateLimiter } from '../../core/rate-limiter.js';

type IncrCallback = Parameters<FastifyRateLimitStore['incr']>[1];

/**
 * A store for `@fastify/rate-limit` that counts in `limiter`, so that a route's limit holds across
 * every server process sharing it. Each route counts under a prefix of its own; a failing limiter
 * fails the request (the error handler answers 503), it never lets it through uncounted.
 */
export function rateLimitStoreOn(limiter: RateLimiter): FastifyRateLimitStoreCtor {
  class LimiterStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = 'http:',
    ) {}

    incr(key: string, callback: IncrCallback, timeWindow = 60_000, max = 1): void {
      limiter.hit(`${this.prefix}${key}`, { limit: max, windowMs: timeWindow }).then(
        (state) => callback(null, { current: state.count, ttl: state.retryAfterSeconds * 1000 }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]): FastifyRateLimitStore {
      // At run time the plugin passes the route's merged limit options, with the route under `routeInfo`.
      const route: object =
        'routeInfo' in routeOptions && isObject(routeOptions.routeInfo) ? routeOptions.routeInfo : {};
      const method = 'method' in route ? String(route.method) : '';
      const url = 'url' in route ? String(route.url) : '';
      return new LimiterStore(undefined, `http:${method}:${url}:`);
    }
  }
  return LimiterStore;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
