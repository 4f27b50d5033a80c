/**
 * RFC 8693 token exchange for trusted workloads (docs/workloads.md): a CI job's OIDC ID token, signed
 * by a real local issuer found by discovery, for a short-lived access token; one test per refusal.
 */
import { ACCESS_TOKEN_TYPE, ID_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '@skytells/contract';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/main/logger.js';
import {
  bearer,
  type ConsoleUser,
  createTestPlatform,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectProblem } from '../support/http.js';
import { type IdTokenClaims, type OidcIssuer, startOidcIssuer } from '../support/oidc-issuer.js';

const AUDIENCE = 'https://skytells.example.com';
const INSECURE = { SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER: 'true' };
const JOB = {
  sub: 'repo:acme/api:ref:refs/heads/main',
  aud: AUDIENCE,
  repository: 'acme/api',
  ref: 'refs/heads/main',
  run_id: '1234',
  environment: 'production',
};

interface WorkloadJson {
  id: string;
  name: string;
  last_exchanged_at: string | null;
}

interface TokenResponseJson {
  access_token: string;
  issued_token_type: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

let counter = 0;

/** Trusts a workload of `issuer` for `user`; a fresh name unless given. */
async function trust(
  app: FastifyInstance,
  user: ConsoleUser,
  issuer: OidcIssuer,
  overrides: Record<string, unknown> = {},
): Promise<WorkloadJson> {
  counter += 1;
  const response = await app.inject({
    method: 'POST',
    url: '/v1/workloads',
    headers: user.headers,
    payload: {
      name: `deploy-${counter}-${Date.now()}`,
      issuer: issuer.url,
      audience: AUDIENCE,
      subject: 'repo:acme/api:ref:refs/heads/main',
      claims: { environment: 'production' },
      scopes: ['projects:read'],
      ttl_seconds: 900,
      ...overrides,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<WorkloadJson>();
}

/** `POST /oauth/token` with a token-exchange grant, form-encoded, no client authentication. */
function exchange(app: FastifyInstance, params: Record<string, string>, remoteAddress?: string) {
  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token_type: ID_TOKEN_TYPE,
      ...params,
    }).toString(),
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

/** Asserts a 400 `invalid_grant` whose description names `check`. */
function expectRefused(response: Awaited<ReturnType<typeof exchange>>, check: string): string {
  expect({ status: response.statusCode, body: response.json<unknown>() }).toMatchObject({
    status: 400,
    body: { error: 'invalid_grant', error_description: expect.stringContaining(`${check} check failed`) },
  });
  expect(response.headers['cache-control']).toBe('no-store');
  return response.json<{ error_description: string }>().error_description;
}

async function auditOf(app: FastifyInstance, user: ConsoleUser, action: string) {
  const response = await app.inject({
    method: 'GET',
    url: `/v1/audit?action=${action}`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{
    data: { actor: { type: string; id: string | null; label?: string }; details: Record<string, unknown> }[];
  }>().data;
}

describeEachDialect('Token exchange', (dialect) => {
  let platform: TestPlatform;
  let issuer: OidcIssuer;
  const issuers: OidcIssuer[] = [];
  beforeAll(async () => {
    issuer = await startOidcIssuer();
    issuers.push(issuer);
    platform = await createTestPlatform({ dialect, env: INSECURE });
  });
  afterAll(async () => {
    await platform.close();
    for (const started of issuers) await started.close();
  });

  /** An issuer of the test's own: its JWKS fetches and its refetch window are the test's alone. */
  async function ownIssuer(): Promise<OidcIssuer> {
    const started = await startOidcIssuer();
    issuers.push(started);
    return started;
  }

  /** Signs `claims` as the job's ID token, with `JOB`'s claims unless overridden. */
  function idToken(overrides: Partial<IdTokenClaims> = {}, options?: { foreignKey?: boolean; kid?: string }) {
    return issuer.sign({ ...JOB, ...overrides }, options);
  }

  it('exchanges a matching ID token for a working token of the workload, listed and audited', async () => {
    const user = await signUpAndSignIn(platform.app);
    const workload = await trust(platform.app, user, issuer, { allowed_ips: ['127.0.0.1'] });
    const response = await exchange(platform.app, { subject_token: await idToken(), audience: workload.id });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json<TokenResponseJson>();
    expect(body).toEqual({
      access_token: expect.stringMatching(/^skt_/),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'projects:read',
    });

    const self = await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens/self',
      headers: bearer(body.access_token),
    });
    expect(self.statusCode, self.body).toBe(200);
    const projects = await platform.app.inject({
      method: 'GET',
      url: '/v1/projects',
      headers: bearer(body.access_token),
    });
    expect(projects.statusCode, projects.body).toBe(200);

    const listed = await platform.app.inject({ method: 'GET', url: '/v1/tokens', headers: user.headers });
    const tokens = listed.json<{ data: Record<string, unknown>[] }>().data;
    expect(tokens).toEqual([
      expect.objectContaining({
        name: 'github:acme/api@main run 1234',
        created_via: 'workload',
        workload_id: workload.id,
        scopes: ['projects:read'],
        allowed_ips: ['127.0.0.1'],
      }),
    ]);
    const expiresAt = new Date(String(tokens[0]!['expires_at'])).getTime();
    expect(Math.abs(expiresAt - (Date.now() + 900_000))).toBeLessThan(60_000);

    const shown = await platform.app.inject({
      method: 'GET',
      url: `/v1/workloads/${workload.id}`,
      headers: user.headers,
    });
    expect(shown.json<WorkloadJson>().last_exchanged_at).not.toBeNull();

    const [created] = await auditOf(platform.app, user, 'token.created');
    expect(created).toMatchObject({
      actor: { type: 'workload', id: workload.id, label: workload.name },
      details: {
        workload_id: workload.id,
        claims: { iss: issuer.url, sub: JOB.sub, aud: AUDIENCE, environment: 'production' },
      },
    });
  });

  it('names the workload by name, in resource too, and accepts the jwt token type', async () => {
    const user = await signUpAndSignIn(platform.app);
    const workload = await trust(platform.app, user, issuer);
    const byName = await exchange(platform.app, { subject_token: await idToken(), audience: workload.name });
    expect(byName.statusCode, byName.body).toBe(200);
    const byResource = await exchange(platform.app, {
      subject_token: await idToken(),
      resource: workload.name,
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    });
    expect(byResource.statusCode, byResource.body).toBe(200);
    // A second token for the same run gets a name of its own.
    const names = (await platform.app.inject({ method: 'GET', url: '/v1/tokens', headers: user.headers }))
      .json<{ data: { name: string }[] }>()
      .data.map((token) => token.name);
    expect(names.sort()).toEqual(['github:acme/api@main run 1234', 'github:acme/api@main run 1234 (2)']);
  });

  it('gives a token that cannot exceed the workload scopes nor its allowed_ips', async () => {
    const user = await signUpAndSignIn(platform.app);
    const workload = await trust(platform.app, user, issuer, { allowed_ips: ['203.0.113.0/24'] });
    const response = await exchange(platform.app, { subject_token: await idToken(), audience: workload.id });
    const { access_token: token } = response.json<TokenResponseJson>();
    const write = await platform.app.inject({
      method: 'POST',
      url: '/v1/projects',
      headers: bearer(token),
      payload: { name: 'site' },
      remoteAddress: '203.0.113.7',
    });
    expectProblem(write, 403, 'insufficient_scope');
    const read = (remoteAddress: string) =>
      platform.app.inject({ method: 'GET', url: '/v1/projects', headers: bearer(token), remoteAddress });
    expect((await read('203.0.113.7')).statusCode).toBe(200);
    expectProblem(await read('198.51.100.7'), 403, 'ip_not_allowed');
  });

  it('refuses an ID token for another audience', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    const refused = await exchange(platform.app, {
      subject_token: await idToken({ aud: 'https://other.example' }),
      audience: id,
    });
    expect(expectRefused(refused, 'audience')).toContain(AUDIENCE);
  });

  it('refuses an ID token of another issuer before fetching anything from it', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    const other = await ownIssuer();
    const refused = await exchange(platform.app, {
      subject_token: await other.sign({ ...JOB }),
      audience: id,
    });
    expectRefused(refused, 'issuer');
    expect(other.fetches).toMatchObject({ discovery: 0, jwks: 0 });
  });

  it('refuses an issuer whose discovery document or JWKS cannot be fetched', async () => {
    const user = await signUpAndSignIn(platform.app);
    const gone = await startOidcIssuer();
    const { id } = await trust(platform.app, user, gone);
    const token = await gone.sign({ ...JOB });
    await gone.close();
    expect(
      expectRefused(await exchange(platform.app, { subject_token: token, audience: id }), 'issuer'),
    ).toContain('discovery');
  });

  it('refuses a subject that does not match', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    const refused = await exchange(platform.app, {
      subject_token: await idToken({ sub: 'repo:acme/api:ref:refs/heads/dev' }),
      audience: id,
    });
    expectRefused(refused, 'subject');
  });

  it('lets a * segment match any one segment of the subject, and nothing more', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer, { subject: 'repo:acme/api:ref:refs/heads/*' });
    const accepted = await exchange(platform.app, {
      subject_token: await idToken({ sub: 'repo:acme/api:ref:refs/heads/feature-x' }),
      audience: id,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    for (const sub of [
      'repo:acme/api:ref:refs/tags/v1',
      'repo:acme/other:ref:refs/heads/main',
      'repo:acme/api:ref:refs/heads/feature/x',
      'repo:acme/api:ref:refs/heads/',
    ]) {
      expectRefused(
        await exchange(platform.app, { subject_token: await idToken({ sub }), audience: id }),
        'subject',
      );
    }
  });

  it('refuses an ID token without a required claim, or with another value, naming the claim', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer, {
      claims: { environment: 'production', ref_protected: 'true' },
    });
    const missing = await exchange(platform.app, { subject_token: await idToken(), audience: id });
    expect(expectRefused(missing, 'claims')).toContain('ref_protected');
    const different = await exchange(platform.app, {
      subject_token: await idToken({ environment: 'staging', ref_protected: true }),
      audience: id,
    });
    expect(expectRefused(different, 'claims')).toContain('environment');
    // A boolean claim matches its JSON text.
    const matching = await exchange(platform.app, {
      subject_token: await idToken({ ref_protected: true }),
      audience: id,
    });
    expect(matching.statusCode, matching.body).toBe(200);
  });

  it('refuses an expired ID token, one not valid yet, and one issued in the future', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    const now = Math.floor(Date.now() / 1000);
    const expired = await exchange(platform.app, {
      subject_token: await idToken({ iat: now - 600, exp: now - 120 }),
      audience: id,
    });
    expect(expectRefused(expired, 'expiry')).toContain('exp');
    const early = await exchange(platform.app, {
      subject_token: await idToken({ nbf: now + 300 }),
      audience: id,
    });
    expect(expectRefused(early, 'expiry')).toContain('nbf');
    const future = await exchange(platform.app, {
      subject_token: await idToken({ iat: now + 300, exp: now + 900 }),
      audience: id,
    });
    expect(expectRefused(future, 'expiry')).toContain('iat');
    // Within the 60 seconds of skew either way.
    const skewed = await exchange(platform.app, {
      subject_token: await idToken({ iat: now + 30, nbf: now + 30, exp: now + 300 }),
      audience: id,
    });
    expect(skewed.statusCode, skewed.body).toBe(200);
  });

  it('refuses a wrong signature', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    const forged = await idToken({}, { foreignKey: true, kid: issuer.currentKid });
    expectRefused(await exchange(platform.app, { subject_token: forged, audience: id }), 'signature');
  });

  it('refuses a kid the JWKS does not have, even after fetching the JWKS again', async () => {
    const own = await ownIssuer();
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, own);
    const good = await exchange(platform.app, { subject_token: await own.sign({ ...JOB }), audience: id });
    expect(good.statusCode, good.body).toBe(200);
    expect(own.fetches.jwks).toBe(1);
    const unknown = await own.sign({ ...JOB }, { foreignKey: true });
    const refused = await exchange(platform.app, { subject_token: unknown, audience: id });
    expect(expectRefused(refused, 'signature')).toContain('no key with kid');
    expect(own.fetches.jwks).toBe(2);
    // At most one fetch every 30 seconds per issuer for unknown keys.
    expectRefused(
      await exchange(platform.app, {
        subject_token: await own.sign({ ...JOB }, { foreignKey: true }),
        audience: id,
      }),
      'signature',
    );
    expect(own.fetches.jwks).toBe(2);
  });

  it('picks up a key rotation at the issuer at its first token', async () => {
    const own = await ownIssuer();
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, own);
    expect(
      (await exchange(platform.app, { subject_token: await own.sign({ ...JOB }), audience: id })).statusCode,
    ).toBe(200);
    expect(own.fetches.jwks).toBe(1);
    await own.rotateKey();
    const rotated = await exchange(platform.app, { subject_token: await own.sign({ ...JOB }), audience: id });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(own.fetches.jwks).toBe(2);
    // Cached: the next token of the new key fetches nothing.
    expect(
      (await exchange(platform.app, { subject_token: await own.sign({ ...JOB }), audience: id })).statusCode,
    ).toBe(200);
    expect(own.fetches).toMatchObject({ jwks: 2, discovery: 2 });
  });

  it('exchanges each ID token once, with or without a jti', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    for (const token of [await idToken(), await idToken({ jti: null })]) {
      expect((await exchange(platform.app, { subject_token: token, audience: id })).statusCode).toBe(200);
      expectRefused(await exchange(platform.app, { subject_token: token, audience: id }), 'replay');
    }
  });

  it('refuses a scope the workload does not grant without spending the ID token, and narrows to a requested one', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer, {
      scopes: ['projects:write', 'deployments:read'],
    });
    const token = await idToken();
    const wider = await exchange(platform.app, {
      subject_token: token,
      audience: id,
      scope: 'projects:read deployments:write',
    });
    expect(expectRefused(wider, 'scope')).toContain('deployments:write');
    const narrower = await exchange(platform.app, {
      subject_token: token,
      audience: id,
      scope: 'projects:read',
    });
    // projects:write covers projects:read: a job may ask for the read alone.
    expect(narrower.statusCode, narrower.body).toBe(200);
    expect(narrower.json<TokenResponseJson>().scope).toBe('projects:read');
  });

  it('refuses a subject token that is not a signed JWT', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    expectRefused(await exchange(platform.app, { subject_token: 'not-a-jwt', audience: id }), 'format');
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ ...JOB, iss: issuer.url })).toString('base64url')}.`;
    expectRefused(await exchange(platform.app, { subject_token: unsigned, audience: id }), 'format');
  });

  it('answers invalid_target for an unknown workload, and invalid_request for missing parameters', async () => {
    const unknown = await exchange(platform.app, {
      subject_token: await idToken(),
      audience: 'no-such-workload',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'invalid_target' });
    const noToken = await exchange(platform.app, { audience: 'x' });
    expect(noToken.json()).toMatchObject({ error: 'invalid_request' });
    const wrongType = await exchange(platform.app, {
      subject_token: await idToken(),
      audience: 'x',
      subject_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(wrongType.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('audits each refusal on the workload account with its check, never with the ID token', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { id } = await trust(platform.app, user, issuer);
    const token = await idToken({ sub: 'repo:acme/api:ref:refs/heads/dev' });
    expectRefused(await exchange(platform.app, { subject_token: token, audience: id }), 'subject');
    const events = await auditOf(platform.app, user, 'workload.exchange_refused');
    expect(events).toEqual([
      expect.objectContaining({
        details: {
          workload_id: id,
          check: 'subject',
          description: expect.stringContaining('subject check failed'),
        },
      }),
    ]);
    expect(JSON.stringify(events)).not.toContain(token.split('.')[2]);
  });

  it('lists the token-exchange grant in the authorization server metadata', async () => {
    const metadata = await platform.app.inject({
      method: 'GET',
      url: '/.well-known/oauth-authorization-server',
    });
    expect(metadata.json<{ grant_types_supported: string[] }>().grant_types_supported).toContain(
      TOKEN_EXCHANGE_GRANT,
    );
  });
});

describe('Token exchange lifetime and issuers', () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(async () => issuer.close());

  it('issues a token that expires after the workload ttl', async () => {
    const clock = new ManualClock(new Date());
    const platform = await createTestPlatform({ clock, env: INSECURE });
    try {
      const user = await signUpAndSignIn(platform.app);
      const { id } = await trust(platform.app, user, issuer, { ttl_seconds: 300 });
      const response = await exchange(platform.app, {
        subject_token: await issuer.sign({ ...JOB }),
        audience: id,
      });
      const body = response.json<TokenResponseJson>();
      expect(body.expires_in).toBe(300);
      const self = () =>
        platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(body.access_token) });
      clock.advance(299_000);
      expect((await self()).statusCode).toBe(200);
      clock.advance(2000);
      expectProblem(await self(), 401, 'token_expired');
    } finally {
      await platform.close();
    }
  });

  it('refuses an http issuer without SKYTELLS_WORKLOAD_ALLOW_INSECURE_ISSUER', async () => {
    const platform = await createTestPlatform();
    try {
      const user = await signUpAndSignIn(platform.app);
      const refused = await platform.app.inject({
        method: 'POST',
        url: '/v1/workloads',
        headers: user.headers,
        payload: {
          name: 'ci',
          issuer: issuer.url,
          audience: AUDIENCE,
          subject: JOB.sub,
          scopes: ['projects:read'],
          ttl_seconds: 300,
        },
      });
      expect(expectProblem(refused, 400, 'validation_failed').detail).toContain('issuer');
    } finally {
      await platform.close();
    }
  });

  it('never logs the ID token, exchanged or refused', async () => {
    const lines: string[] = [];
    const platform = await createTestPlatform({
      env: INSECURE,
      logger: createLogger('trace', { write: (line: string) => void lines.push(line) }),
    });
    try {
      const user = await signUpAndSignIn(platform.app);
      const { id } = await trust(platform.app, user, issuer);
      const token = await issuer.sign({ ...JOB });
      expect((await exchange(platform.app, { subject_token: token, audience: id })).statusCode).toBe(200);
      expectRefused(await exchange(platform.app, { subject_token: token, audience: id }), 'replay');
      expect(lines.length).toBeGreaterThan(0);
      const [header, payload, signature] = token.split('.');
      for (const part of [payload!, signature!, `${header}.${payload}`]) {
        expect(lines.filter((line) => line.includes(part))).toEqual([]);
      }
    } finally {
      await platform.close();
    }
  });
});
