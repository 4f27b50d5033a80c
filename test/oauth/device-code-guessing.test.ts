/**
 * Guessing user codes at /device (RFC 8628 §5.1): wrong codes are bounded per address across
 * accounts, so opening more accounts does not buy more guesses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formFields, type OAuthServer, signedInBrowser, startOAuthServer } from './oauth-support.js';

describe('user code guessing at /device (RFC 8628 §5.1)', () => {
  let server: OAuthServer;
  beforeAll(async () => {
    server = await startOAuthServer();
  });
  afterAll(async () => server.close());

  it('refuses wrong codes from one address after 30 in 15 minutes, whichever account sends them', async () => {
    const statuses: number[] = [];
    for (let account = 0; account < 4; account++) {
      const person = await signedInBrowser(server);
      const fields = formFields(await (await person.fetch('/device')).text());
      // 10 per account and address: the fourth account's first guess is the 31st from this address.
      for (let guess = 0; guess < (account < 3 ? 10 : 1); guess++) {
        fields.set('user_code', 'ZZZZ-ZZZZ');
        const response = await person.fetch('/device', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: fields.toString(),
        });
        statuses.push(response.status);
      }
    }
    expect(statuses.slice(0, 30)).toEqual(Array.from({ length: 30 }, () => 400));
    expect(statuses[30]).toBe(429);
  });
});
