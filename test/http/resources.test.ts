import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { describeEachDialect, expectFieldError, expectProblem } from '../support/http.js';

describeEachDialect('projects, deployments and billing over HTTP', (dialect) => {
  let platform: TestPlatform;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock(new Date());
    platform = await createTestPlatform({ dialect, clock });
  });
  afterAll(async () => platform.close());

  const inject = (options: InjectOptions) => platform.app.inject(options);
  const createProject = async (user: ConsoleUser, name: string) => {
    const response = await inject({
      method: 'POST',
      url: '/v1/projects',
      headers: user.headers,
      payload: { name },
    });
    expect(response.statusCode).toBe(201);
    return response.json<{ id: string; name: string; created_at: string }>();
  };

  it('a project is created, listed newest first, shown and deleted', async () => {
    const user = await signUpAndSignIn(platform.app);
    const web = await createProject(user, 'web');
    clock.advance(1000);
    const api = await createProject(user, 'api');
    expect(web).toEqual({ id: expect.stringMatching(/^prj_/), name: 'web', created_at: expect.any(String) });

    const list = await inject({ method: 'GET', url: '/v1/projects', headers: user.headers });
    expect(list.json()).toEqual({ data: [api, web], next_cursor: null });
    const shown = await inject({ method: 'GET', url: `/v1/projects/${web.id}`, headers: user.headers });
    expect(shown.json()).toEqual(web);

    const deleted = await inject({ method: 'DELETE', url: `/v1/projects/${web.id}`, headers: user.headers });
    expect(deleted.statusCode).toBe(204);
    expectProblem(
      await inject({ method: 'GET', url: `/v1/projects/${web.id}`, headers: user.headers }),
      404,
      'not_found',
    );
    expectProblem(
      await inject({ method: 'DELETE', url: `/v1/projects/${web.id}`, headers: user.headers }),
      404,
      'not_found',
    );
  });

  it('projects page with a cursor', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const name of ['a', 'b', 'c']) {
      await createProject(user, name);
      clock.advance(1000);
    }
    const first = await inject({ method: 'GET', url: '/v1/projects?limit=2', headers: user.headers });
    expect(first.json<{ data: { name: string }[] }>().data.map((p) => p.name)).toEqual(['c', 'b']);
    const cursor = encodeURIComponent(first.json().next_cursor);
    const second = await inject({
      method: 'GET',
      url: `/v1/projects?limit=2&cursor=${cursor}`,
      headers: user.headers,
    });
    expect(second.json()).toMatchObject({ data: [{ name: 'a' }], next_cursor: null });
  });

  it('a project name must be a short label', async () => {
    const user = await signUpAndSignIn(platform.app);
    for (const name of ['', ' ', '-leading', 'has space', 'x'.repeat(64), 'semi;colon']) {
      expectFieldError(
        await inject({ method: 'POST', url: '/v1/projects', headers: user.headers, payload: { name } }),
        'name',
      );
    }
    expect((await inject({ method: 'GET', url: '/v1/projects', headers: user.headers })).json().data).toEqual(
      [],
    );
  });

  it('deployments are created with defaults or given values, and listed per project', async () => {
    const user = await signUpAndSignIn(platform.app);
    const project = await createProject(user, 'site');
    const url = `/v1/projects/${project.id}/deployments`;
    const plain = await inject({ method: 'POST', url, headers: user.headers });
    expect(plain.statusCode).toBe(201);
    expect(plain.json()).toMatchObject({ project_id: project.id, environment: 'production', ref: null });
    clock.advance(1000);
    const staged = await inject({
      method: 'POST',
      url,
      headers: user.headers,
      payload: { environment: 'staging', ref: 'main@abc123' },
    });
    expect(staged.json()).toMatchObject({
      environment: 'staging',
      ref: 'main@abc123',
      status: expect.any(String),
    });

    const list = await inject({ method: 'GET', url, headers: user.headers });
    expect(list.json<{ data: { id: string }[] }>().data.map((d) => d.id)).toEqual([
      staged.json().id,
      plain.json().id,
    ]);
  });

  it('deployments of an unknown project are a 404, and bad fields a 400 that deploys nothing', async () => {
    const user = await signUpAndSignIn(platform.app);
    const project = await createProject(user, 'site');
    const url = `/v1/projects/${project.id}/deployments`;
    expectProblem(
      await inject({ method: 'POST', url: '/v1/projects/prj_missing/deployments', headers: user.headers }),
      404,
      'not_found',
    );
    expectProblem(
      await inject({ method: 'GET', url: '/v1/projects/prj_missing/deployments', headers: user.headers }),
      404,
      'not_found',
    );
    expectFieldError(
      await inject({ method: 'POST', url, headers: user.headers, payload: { environment: 'a b' } }),
      'environment',
    );
    expectFieldError(
      await inject({ method: 'POST', url, headers: user.headers, payload: { ref: 'x\u0000' } }),
      'ref',
    );
    expectFieldError(
      await inject({ method: 'POST', url, headers: user.headers, payload: { region: 'eu' } }),
      'region',
    );
    expect((await inject({ method: 'GET', url, headers: user.headers })).json().data).toEqual([]);
  });

  it("another account's project answers exactly like an unknown one, and is left alone", async () => {
    const owner = await signUpAndSignIn(platform.app);
    const stranger = await signUpAndSignIn(platform.app);
    const project = await createProject(owner, 'private');
    for (const [method, suffix] of [
      ['GET', ''],
      ['DELETE', ''],
      ['GET', '/deployments'],
      ['POST', '/deployments'],
    ] as const) {
      const foreign = await inject({
        method,
        url: `/v1/projects/${project.id}${suffix}`,
        headers: stranger.headers,
      });
      const unknown = await inject({
        method,
        url: `/v1/projects/prj_unknown${suffix}`,
        headers: stranger.headers,
      });
      expectProblem(foreign, 404, 'not_found');
      expect(foreign.json()).toEqual(unknown.json());
    }
    expect(
      (await inject({ method: 'GET', url: `/v1/projects/${project.id}`, headers: owner.headers })).statusCode,
    ).toBe(200);
    expect(
      (await inject({ method: 'GET', url: '/v1/projects', headers: stranger.headers })).json().data,
    ).toEqual([]);
  });

  it('the scopes protect their resources: read tokens read, write tokens also write', async () => {
    const user = await signUpAndSignIn(platform.app);
    const reader = await createToken(platform.app, user, { scopes: ['projects:read', 'deployments:read'] });
    const writer = await createToken(platform.app, user, { scopes: ['projects:write', 'deployments:write'] });

    const refused = await inject({
      method: 'POST',
      url: '/v1/projects',
      headers: bearer(reader.token),
      payload: { name: 'x' },
    });
    expectProblem(refused, 403, 'insufficient_scope');
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer realm="skytells", error="insufficient_scope", scope="projects:write"',
    );
    expect(
      (await inject({ method: 'GET', url: '/v1/projects', headers: bearer(reader.token) })).json().data,
    ).toEqual([]);

    const made = await inject({
      method: 'POST',
      url: '/v1/projects',
      headers: bearer(writer.token),
      payload: { name: 'x' },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    expect(
      (await inject({ method: 'GET', url: `/v1/projects/${id}`, headers: bearer(writer.token) })).statusCode,
    ).toBe(200);
    const deploy = await inject({
      method: 'POST',
      url: `/v1/projects/${id}/deployments`,
      headers: bearer(writer.token),
    });
    expect(deploy.statusCode).toBe(201);
    expectProblem(
      await inject({ method: 'POST', url: `/v1/projects/${id}/deployments`, headers: bearer(reader.token) }),
      403,
      'insufficient_scope',
    );
    expectProblem(
      await inject({ method: 'DELETE', url: `/v1/projects/${id}`, headers: bearer(reader.token) }),
      403,
      'insufficient_scope',
    );
    expect(
      (await inject({ method: 'GET', url: `/v1/projects/${id}`, headers: bearer(reader.token) })).statusCode,
    ).toBe(200);
  });

  it('GET /v1/billing reports the plan and the usage of the account', async () => {
    const user = await signUpAndSignIn(platform.app);
    const project = await createProject(user, 'billed');
    await inject({ method: 'POST', url: `/v1/projects/${project.id}/deployments`, headers: user.headers });
    await inject({ method: 'POST', url: `/v1/projects/${project.id}/deployments`, headers: user.headers });
    const token = await createToken(platform.app, user, { scopes: ['billing:read'] });
    const response = await inject({ method: 'GET', url: '/v1/billing', headers: bearer(token.token) });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      plan: expect.any(String),
      usage: { projects: 1, deployments: 2 },
    });

    const other = await signUpAndSignIn(platform.app);
    const empty = await inject({ method: 'GET', url: '/v1/billing', headers: other.headers });
    expect(empty.json()).toMatchObject({ usage: { projects: 0, deployments: 0 } });
  });

  it('deleting a project deletes its deployments from the usage', async () => {
    const user = await signUpAndSignIn(platform.app);
    const project = await createProject(user, 'temporary');
    await inject({ method: 'POST', url: `/v1/projects/${project.id}/deployments`, headers: user.headers });
    await inject({ method: 'DELETE', url: `/v1/projects/${project.id}`, headers: user.headers });
    const billing = await inject({ method: 'GET', url: '/v1/billing', headers: user.headers });
    expect(billing.json()).toMatchObject({ usage: { projects: 0, deployments: 0 } });
  });
});
