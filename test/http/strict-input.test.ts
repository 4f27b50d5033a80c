import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestPlatform,
  signUpAndSignIn,
  type ConsoleUser,
  type TestPlatform,
} from '../support/harness.js';
import { expectProblem, listAudit, listTokens } from '../support/http.js';

/** A valid token-creation body with `extra` spliced in before the closing brace, as raw JSON text. */
function creation(extra: string, name = 'strict'): string {
  return `{"name":"${name}","scopes":["tokens:read"],"expires_in_days":1${extra}}`;
}

describe('strict JSON bodies', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform();
  });
  afterAll(async () => platform.close());

  const post = (user: ConsoleUser, payload: string | Buffer, url = '/v1/tokens') =>
    platform.app.inject({
      method: 'POST',
      url,
      headers: { ...user.headers, 'content-type': 'application/json' },
      payload,
    });

  /** Asserts that nothing was written for `user`: no token, no token.created audit entry. */
  async function expectNothingCreated(user: ConsoleUser): Promise<void> {
    expect(await listTokens(platform.app, user)).toEqual([]);
    expect((await listAudit(platform.app, user)).map((e) => e.action)).not.toContain('token.created');
  }

  it('a well-formed body, with escapes and a surrogate pair, is still accepted', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await post(user, creation('', 'd\\u00e9ploy \\ud83d\\ude80 🚀'));
    expect(response.statusCode).toBe(201);
    expect(response.json<{ name: string }>().name).toBe('déploy 🚀 🚀');
  });

  it.for([
    ['at the top level', creation(',"name":"other"')],
    ['with the same value twice', creation(',"expires_in_days":1')],
    ['spelt with an escape', creation(',"n\\u0061me":"other"')],
    ['inside a nested object', creation(',"extra":{"a":1,"a":2}')],
    ['inside an object in an array', creation(',"extra":[{"k":1},{"k":1,"k":2}]')],
  ] as const)('a repeated key %s is a 400 invalid_json that writes nothing', async ([, body]) => {
    const user = await signUpAndSignIn(platform.app);
    const problem = expectProblem(await post(user, body), 400, 'invalid_json');
    expect(problem.detail).toMatch(/^The body repeats the key "(name|expires_in_days|a|k)"\.$/);
    await expectNothingCreated(user);
  });

  it.for([
    ['a byte never used in UTF-8', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['a UTF-8-encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
  ] as const)('a body with %s is a 400 invalid_json that writes nothing', async ([, bytes]) => {
    const user = await signUpAndSignIn(platform.app);
    const body = Buffer.concat([
      Buffer.from('{"name":"bad'),
      Buffer.from(bytes),
      Buffer.from('","scopes":["tokens:read"],"expires_in_days":1}'),
    ]);
    const problem = expectProblem(await post(user, body), 400, 'invalid_json');
    expect(problem.detail).toBe('The body is not valid UTF-8.');
    await expectNothingCreated(user);
  });

  it.for([
    ['a lone high surrogate', creation('', 'x\\ud800')],
    ['a lone low surrogate', creation('', '\\udc00x')],
    ['a surrogate pair in the wrong order', creation('', '\\ude80\\ud83d')],
    ['a high surrogate before a plain character', creation('', '\\ud83d\\u0041')],
    ['a lone surrogate in a key', creation(',"\\ud800":1')],
    ['a lone surrogate in a nested string', creation(',"extra":["\\udfff"]')],
  ] as const)('%s, written as \\u escapes, is a 400 invalid_json that writes nothing', async ([, body]) => {
    const user = await signUpAndSignIn(platform.app);
    const problem = expectProblem(await post(user, body), 400, 'invalid_json');
    expect(problem.detail).toMatch(/unpaired surrogate/);
    await expectNothingCreated(user);
  });

  it('the strict checks hold on every JSON route, sign-up included', async () => {
    const response = await platform.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { 'content-type': 'application/json' },
      payload: '{"email":"a@example.com","password":"correct horse battery staple","email":"b@example.com"}',
    });
    expectProblem(response, 400, 'invalid_json');
    const signIn = await platform.app.inject({
      method: 'POST',
      url: '/v1/sessions',
      payload: { email: 'b@example.com', password: 'correct horse battery staple' },
    });
    expectProblem(signIn, 401, 'invalid_credentials');
  });

  it('a __proto__ key is still refused by the prototype-poisoning guard, never a 500', async () => {
    const user = await signUpAndSignIn(platform.app);
    const response = await post(user, creation(',"__proto__":{"admin":true}'));
    expectProblem(response, 400, 'invalid_json');
    await expectNothingCreated(user);
  });
});
