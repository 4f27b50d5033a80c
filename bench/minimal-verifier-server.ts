import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  ERROR_CATALOGUE,
  isWellFormedToken,
  maskToken,
  PROBLEM_TYPE_BASE,
  ProblemSchema,
  TokenSchema,
} from '@skytells/contract';
import Fastify from 'fastify';
import { secureRandom } from '../src/core/random.js';
import { generateTokenValue } from '../src/core/token-format.js';
import { profileOnRequest } from './profile.js';

/**
 * The least a correct verifier must do, as a yardstick between the bare route and Skytells: parse
 * `Authorization: Bearer`, check the format and checksum, look the HMAC-SHA-256 keyed hash of the
 * value up in a `Map`, refuse an expired or revoked token with a 401 problem, and answer the token
 * serialized by a response schema. No database, no audit, no last-use batching, no metrics.
 * Makes TOKEN_COUNT tokens and writes their values to TOKENS_FILE as JSON `{values}`.
 */
interface TokenRecord {
  id: string;
  name: string;
  masked: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
}

const count = Number(process.env['TOKEN_COUNT'] ?? 10_000);
const key = createSecretKey(randomBytes(32));
const hash = (value: string) => createHmac('sha256', key).update(value).digest('base64url');
const tokens = new Map<string, TokenRecord>();
const values: string[] = [];
const now = new Date();
for (let i = 0; i < count; i++) {
  const value = generateTokenValue(secureRandom);
  values.push(value);
  tokens.set(hash(value), {
    id: `tok_${randomBytes(12).toString('base64url')}`,
    name: `bench-${i}`,
    masked: maskToken(value),
    scopes: ['tokens:read'],
    createdAt: now,
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
    revokedAt: null,
    lastUsedAt: null,
    lastUsedIp: null,
    lastUsedUserAgent: null,
  });
}
writeFileSync(process.env['TOKENS_FILE'] ?? '/dev/null', JSON.stringify({ values }));

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
type Refusal = 'token_missing' | 'token_malformed' | 'token_invalid' | 'token_expired' | 'token_revoked';

const app = Fastify({ logger: false });
app.get(
  '/v1/tokens/self',
  { schema: { response: { 200: TokenSchema, 401: ProblemSchema } } },
  async (request, reply) => {
    const refuse = (code: Refusal) =>
      reply
        .code(401)
        .header('content-type', 'application/problem+json')
        // RFC 6750 §3.1: no error code when no credential was sent.
        .header('www-authenticate', code === 'token_missing' ? 'Bearer' : 'Bearer error="invalid_token"')
        .send({
          type: `${PROBLEM_TYPE_BASE}${code}`,
          title: ERROR_CATALOGUE[code].title,
          status: 401,
          detail: ERROR_CATALOGUE[code].title,
          code,
        });
    const header = request.headers.authorization;
    if (header === undefined) return refuse('token_missing');
    const value = BEARER.exec(header)?.[1];
    if (value === undefined || !isWellFormedToken(value)) return refuse('token_malformed');
    const token = tokens.get(hash(value));
    if (token === undefined) return refuse('token_invalid');
    const at = new Date();
    if (token.revokedAt !== null && token.revokedAt <= at) return refuse('token_revoked');
    if (token.expiresAt !== null && token.expiresAt <= at) return refuse('token_expired');
    token.lastUsedAt = at;
    token.lastUsedIp = request.ip;
    token.lastUsedUserAgent = request.headers['user-agent'] ?? null;
    return {
      id: token.id,
      name: token.name,
      masked: token.masked,
      scopes: token.scopes,
      status: 'active',
      created_at: token.createdAt.toISOString(),
      expires_at: token.expiresAt?.toISOString() ?? null,
      last_used_at: token.lastUsedAt.toISOString(),
      last_used_ip: token.lastUsedIp,
      last_used_user_agent: token.lastUsedUserAgent,
      revoked_at: null,
      created_via: 'console',
      client_id: null,
      workload_id: null,
      replaces: null,
      replaced_by: null,
      revoke_on_first_use_of: null,
      allowed_ips: null,
      rate_limit: null,
      projects: null,
    };
  },
);
await profileOnRequest();
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.send?.({ ready: address });
