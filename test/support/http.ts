import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { BASE62 } from '../../src/core/random.js';
import { tokenChecksum } from '../../src/core/token-format.js';
import { TEST_DATABASE_URL, type ConsoleUser } from './harness.js';

/** The dialects the HTTP suites run on: SQLite always, PostgreSQL when `TEST_DATABASE_URL` is set. */
export const DIALECTS: readonly ('sqlite' | 'postgres')[] = [
  'sqlite',
  ...(TEST_DATABASE_URL === undefined ? [] : (['postgres'] as const)),
];

/**
 * Runs `body` once per dialect of {@link DIALECTS}, and says plainly when PostgreSQL is skipped.
 */
export function describeEachDialect(name: string, body: (dialect: 'sqlite' | 'postgres') => void): void {
  describe.each(DIALECTS)(`${name} on %s`, body);
  if (TEST_DATABASE_URL === undefined) {
    describe.skip(`${name} on PostgreSQL (TEST_DATABASE_URL not set)`, () => {
      it('runs when TEST_DATABASE_URL names a PostgreSQL server', () => undefined);
    });
  }
}

/** The body of a problem response (RFC 9457 with the contract's `code`). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; message: string }[];
}

/** Asserts `response` is an `application/problem+json` error with `status` and `code`; returns its body. */
export function expectProblem(response: LightMyRequestResponse, status: number, code: string): Problem {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<Problem>();
  expect(problem).toMatchObject({ status, code });
  expect(typeof problem.type).toBe('string');
  expect(typeof problem.title).toBe('string');
  expect(typeof problem.detail).toBe('string');
  return problem;
}

/** Asserts a `validation_failed` 400 that names `field` among its field errors. */
export function expectFieldError(response: LightMyRequestResponse, field: string): Problem {
  const problem = expectProblem(response, 400, 'validation_failed');
  expect(problem.errors).toBeInstanceOf(Array);
  for (const error of problem.errors ?? []) {
    expect(typeof error.field).toBe('string');
    expect(typeof error.message).toBe('string');
  }
  expect(problem.errors?.map((error) => error.field)).toContain(field);
  return problem;
}

/** The `Token` objects `GET /v1/tokens?status=` lists for `user` (first page of up to 100). */
export async function listTokens(
  app: FastifyInstance,
  user: ConsoleUser,
  status: 'active' | 'expired' | 'revoked' | 'all' = 'all',
): Promise<{ id: string; name: string; status: string; scopes: string[] }[]> {
  const response = await app.inject({
    method: 'GET',
    url: `/v1/tokens?status=${status}&limit=100`,
    headers: user.headers,
  });
  expect(response.statusCode).toBe(200);
  return response.json<{ data: { id: string; name: string; status: string; scopes: string[] }[] }>().data;
}

/** The audit events of `user`'s account, newest first (first page of up to 100). */
export async function listAudit(
  app: FastifyInstance,
  user: ConsoleUser,
): Promise<
  { id: string; action: string; actor: unknown; target: unknown; details: Record<string, unknown> }[]
> {
  const response = await app.inject({ method: 'GET', url: '/v1/audit?limit=100', headers: user.headers });
  expect(response.statusCode).toBe(200);
  return response.json<{
    data: { id: string; action: string; actor: unknown; target: unknown; details: Record<string, unknown> }[];
  }>().data;
}

/** A value in the token format with a correct checksum that the server never issued. */
export function unissuedToken(): string {
  const random = [...randomBytes(32)].map((byte) => BASE62[byte % 62]).join('');
  const body = `skt_${random}`;
  return body + tokenChecksum(body);
}

/** `value` with its last checksum character changed: right shape, wrong checksum. */
export function withBadChecksum(value: string): string {
  const last = value.at(-1);
  return value.slice(0, -1) + (last === 'A' ? 'B' : 'A');
}

/** The value of counter `skytells_token_verifications_total{result}` in `/metrics`. */
export async function verificationCount(app: FastifyInstance, result: string): Promise<number> {
  const response = await app.inject({ method: 'GET', url: '/metrics' });
  const line = response.body
    .split('\n')
    .find((l) => l.startsWith(`skytells_token_verifications_total{result="${result}"}`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

/** One day in milliseconds, for moving a `ManualClock`. */
export const DAY_MS = 86_400_000;
