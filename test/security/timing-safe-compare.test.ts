import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyedHasher } from '../../src/core/keyed-hash.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { expectProblem, unissuedToken } from '../support/http.js';

/**
 * Secrets are never compared as values: a token is found by the keyed hash of what the client sent
 * (an indexed equality on `token_hash`), a session likewise, and the CSRF token is checked with
 * `KeyedHasher.verify` (constant time; see `src/core/keyed-hash.test.ts`). These tests prove it from
 * the stored data and from behaviour.
 */
describe('secrets are looked up by keyed hash, never compared as values', () => {
  const secret = randomBytes(32).toString('hex');
  const hasher = new KeyedHasher(secret);
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform({ env: { SKYTELLS_SECRET: secret } });
  });
  afterAll(async () => platform.close());

  const db = () => platform.database.db;
  const self = (token: string) =>
    platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(token) });

  it('the token_hash column holds the HMAC-SHA-256 of the value under the server secret, base64url', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    const row = await db()
      .selectFrom('access_tokens')
      .select(['token_hash', 'masked'])
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row.token_hash).toBe(hasher.hash('token-hash', token.token));
    expect(row.token_hash).not.toBe(createHash('sha256').update(token.token).digest('base64url'));
    expect(row.masked).toBe(token.masked);
  });

  it('no table holds a token value, a session cookie value, a CSRF token or a password', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user, { scopes: ['tokens:write'] });
    await self(token.token);
    await platform.app.inject({
      method: 'POST',
      url: `/v1/tokens/${token.id}/rotate`,
      headers: user.headers,
    });
    await platform.lastUse.flush();

    const dump: string[] = [];
    for (const table of [
      'accounts',
      'sessions',
      'access_tokens',
      'audit_events',
      'projects',
      'deployments',
    ]) {
      const { rows } = await sql`select * from ${sql.table(table)}`.execute(db());
      dump.push(JSON.stringify(rows));
    }
    const everything = dump.join('\n');
    expect(everything).toContain(token.id);
    const cookieValue = user.cookie.split('=')[1] ?? '';
    for (const needle of [token.token, token.token.slice(8, 36), cookieValue, user.csrf, user.password]) {
      expect(needle.length).toBeGreaterThan(7);
      expect(everything).not.toContain(needle);
    }
  });

  it('the session row holds the keyed hash of the cookie value', async () => {
    const user = await signUpAndSignIn(platform.app);
    const cookieValue = user.cookie.split('=')[1] ?? '';
    const rows = await db()
      .selectFrom('sessions')
      .select('secret_hash')
      .where('account_id', '=', user.accountId)
      .execute();
    expect(rows.map((r) => r.secret_hash)).toEqual([hasher.hash('session-hash', cookieValue)]);
  });

  it('whatever value hashes to a row authenticates as that row: the look-up uses the keyed hash alone', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    const stand_in = unissuedToken();
    await db()
      .updateTable('access_tokens')
      .set({ token_hash: hasher.hash('token-hash', stand_in) })
      .where('id', '=', token.id)
      .execute();

    const asStandIn = await self(stand_in);
    expect(asStandIn.statusCode).toBe(200);
    expect(asStandIn.json()).toMatchObject({ id: token.id });
    // The issued value no longer hashes to any row, so it is simply unknown.
    expectProblem(await self(token.token), 401, 'token_invalid');
  });

  it('a hash made without the server secret matches nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    const candidate = unissuedToken();
    for (const forged of [
      createHash('sha256').update(candidate).digest('base64url'),
      new KeyedHasher(randomBytes(32).toString('hex')).hash('token-hash', candidate),
      hasher.hash('session-hash', candidate),
    ]) {
      await db()
        .updateTable('access_tokens')
        .set({ token_hash: forged })
        .where('id', '=', token.id)
        .execute();
      expectProblem(await self(candidate), 401, 'token_invalid');
    }
  });

  it('a value differing from a real token in one character is unknown, not "close"', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    const tries = new Set<string>();
    for (const position of [4, 20, 35]) {
      const chars = [...token.token];
      chars[position] = chars[position] === 'a' ? 'b' : 'a';
      tries.add(chars.join(''));
    }
    for (const value of tries) {
      // The checksum catches these first: no look-up is even made.
      expectProblem(await self(value), 401, 'token_malformed');
    }
  });

  it('CSRF tokens of any length are refused with a 403, never a 500 from a length-sensitive compare', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const csrf of ['x', user.csrf.slice(0, -1), `${user.csrf}=`, 'é'.repeat(43), 'A'.repeat(4000)]) {
      const response = await platform.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: { cookie: user.cookie, 'x-csrf-token': csrf },
        payload: { name: 'x', scopes: ['tokens:read'], expires_in_days: 1 },
      });
      expectProblem(response, 403, 'csrf_token_invalid');
    }
  });
});
