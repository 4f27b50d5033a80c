import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DatabaseUnavailableError, StorageFullError } from '../../core/storage-errors.js';
import { DATABASE_RETRY_AFTER_SECONDS, installErrorHandler } from './error-handler.js';

/** A bare app with the one error handler and a route that throws `error`. */
async function appThrowing(error: Error) {
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.get('/fails', async () => {
    throw error;
  });
  await app.ready();
  return app;
}

describe('the error handler and the database', () => {
  it('answers an unreachable database with 503 database_unavailable, Retry-After, and no driver detail', async () => {
    const app = await appThrowing(
      new DatabaseUnavailableError('connect ECONNREFUSED 10.0.0.5:5432', {
        cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
      }),
    );

    const response = await app.inject({ method: 'GET', url: '/fails' });

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
    expect(response.json()).toMatchObject({ status: 503, code: 'database_unavailable' });
    expect(response.body).not.toContain('10.0.0.5');
    await app.close();
  });

  it('answers a full disk with 507 storage_full', async () => {
    const app = await appThrowing(new StorageFullError('database or disk is full'));

    const response = await app.inject({ method: 'GET', url: '/fails' });

    expect(response.statusCode).toBe(507);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 507, code: 'storage_full' });
    await app.close();
  });
});
