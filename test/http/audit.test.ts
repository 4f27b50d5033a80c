import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectProblem, unissuedToken, withBadChecksum } from '../support/http.js';

interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: { type: string; id: string | null; label?: string };
  target: { type: string; id: string } | null;
  ip: string | null;
  user_agent: string | null;
  details: Record<string, unknown>;
}

describeEachDialect('the audit log over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);

  /** Every entry of the log, walking the cursor `limit` at a time. */
  async function readAll(headers: Record<string, string>, limit: number): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 50; page++) {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const response = await inject({ method: 'GET', url: `/v1/audit?limit=${limit}${query}`, headers });
      expect(response.statusCode).toBe(200);
      const body = response.json<{ data: AuditEntry[]; next_cursor: string | null }>();
      expect(body.data.length).toBeLessThanOrEqual(limit);
      entries.push(...body.data);
      cursor = body.next_cursor;
      if (cursor === null) break;
    }
    return entries;
  }

  it('records every action of the contract, newest first, with actor, target, address and agent', async () => {
    const user = await signUpAndSignIn(platform.app);
    const step = () => clock.advance(1000);
    step();
    await inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: user.email, password: 'wrong password' },
      remoteAddress: '192.0.2.77',
    });
    step();
    const token = await createToken(platform.app, user, { scopes: ['tokens:write', 'audit:read'] });
    step();
    const rotated = await inject({
      method: 'POST',
      url: `/v1/tokens/${token.id}/rotate`,
      headers: user.headers,
    });
    step();
    await inject({ method: 'DELETE', url: `/v1/tokens/${token.id}`, headers: user.headers });
    step();
    await inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: { ...bearer(token.token), 'user-agent': 'probe/1' },
      remoteAddress: '192.0.2.78',
    });

    const entries = await readAll(bearer(rotated.json().token), 100);
    expect(entries.map((e) => e.action)).toEqual([
      'token.auth_failed',
      'token.revoked',
      'token.rotated',
      'token.created',
      'session.failed',
      ...[
        expect.stringMatching(/^(account|session)\.created$/),
        expect.stringMatching(/^(account|session)\.created$/),
      ],
    ]);
    const [authFailed, revoked, rotation, created, failed] = entries;
    expect(authFailed).toMatchObject({
      actor: { type: 'anonymous', id: null },
      target: { type: 'token', id: token.id },
      ip: '192.0.2.78',
      user_agent: 'probe/1',
      details: { reason: 'token_revoked', masked: token.masked },
    });
    expect(revoked).toMatchObject({ actor: { type: 'session' }, target: { type: 'token', id: token.id } });
    expect(rotation).toMatchObject({ details: { replaced_by: rotated.json().id } });
    expect(created).toMatchObject({
      target: { type: 'token', id: token.id },
      details: { masked: token.masked, scopes: ['tokens:write', 'audit:read'] },
    });
    expect(failed).toMatchObject({ ip: '192.0.2.77', details: { reason: 'invalid_credentials' } });
    for (const entry of entries) {
      expect(entry.id).toMatch(/^aud_/);
      expect(entry.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }
  });

  it('an action taken with a token names the token as actor by id and masked value', async () => {
    const user = await signUpAndSignIn(platform.app);
    const writer = await createToken(platform.app, user, { scopes: ['tokens:write', 'audit:read'] });
    clock.advance(1000);
    await inject({
      method: 'POST',
      url: '/v1/tokens',
      headers: bearer(writer.token),
      payload: { name: 'by token', scopes: ['tokens:read'], expires_in_days: 1 },
    });
    const entries = await readAll(bearer(writer.token), 100);
    expect(entries[0]).toMatchObject({
      action: 'token.created',
      actor: { type: 'token', id: writer.id, label: writer.masked },
    });
  });

  it('a failed authentication keeps only the masked id or prefix of the presented value', async () => {
    const user = await signUpAndSignIn(platform.app);
    const expiring = await createToken(platform.app, user, { expires_in_days: 1 });
    clock.advance(86_400_000);
    await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(expiring.token) });
    const entries = await readAll(user.headers, 100);
    const failed = entries.filter((e) => e.action === 'token.auth_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.details).toEqual({ reason: 'token_expired', masked: expiring.masked });
    expect(JSON.stringify(entries)).not.toContain(expiring.token);
    expect(JSON.stringify(entries)).not.toContain(expiring.token.slice(8, -4));
  });

  it('failed authentications with unknown or malformed values belong to no account', async () => {
    const user = await signUpAndSignIn(platform.app);
    const token = await createToken(platform.app, user);
    await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(unissuedToken()) });
    await inject({ method: 'GET', url: '/v1/tokens', headers: bearer(withBadChecksum(token.token)) });
    const actions = (await readAll(user.headers, 100)).map((e) => e.action);
    expect(actions).not.toContain('token.auth_failed');
  });

  it('cursor paging walks the whole log once, at any page size', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (let i = 0; i < 6; i++) await createToken(platform.app, user);
    const everything = await readAll(user.headers, 100);
    expect(everything).toHaveLength(8);
    for (const limit of [1, 3, 7]) {
      const paged = await readAll(user.headers, limit);
      expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
    }
  });

  it("shows only the account's own entries", async () => {
    const alice = await signUpAndSignIn(platform.app);
    const bob = await signUpAndSignIn(platform.app);
    const bobs = await createToken(platform.app, bob);
    const alices = await readAll(alice.headers, 100);
    expect(alices.map((e) => e.action).sort()).toEqual(['account.created', 'session.created']);
    expect(JSON.stringify(alices)).not.toContain(bobs.id);
    expect(JSON.stringify(alices)).not.toContain(bob.accountId);
  });

  it('can be filtered by action', async () => {
    const user = await signUpAndSignIn(platform.app);
    await createToken(platform.app, user);
    await createToken(platform.app, user);
    const response = await inject({
      method: 'GET',
      url: '/v1/audit?action=token.created',
      headers: user.headers,
    });
    expect(response.json<{ data: AuditEntry[] }>().data.map((e) => e.action)).toEqual([
      'token.created',
      'token.created',
    ]);
  });

  it('needs audit:read, and refuses a foreign or broken cursor with a 400', async () => {
    const user = await signUpAndSignIn(platform.app);
    const reader = await createToken(platform.app, user, { scopes: ['tokens:read'] });
    const refused = await inject({ method: 'GET', url: '/v1/audit', headers: bearer(reader.token) });
    expectProblem(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="skytells", error="insufficient_scope", scope="audit:read"',
    );
    const broken = await inject({ method: 'GET', url: '/v1/audit?cursor=%5B%5D', headers: user.headers });
    expectProblem(broken, 400, 'invalid_cursor');
  });
});
