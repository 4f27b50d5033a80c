/**
 * A local OpenID Connect issuer for trusted-workload tests: a real HTTP server on a loopback port that
 * serves a discovery document (`/.well-known/openid-configuration`) and a JWKS (`/jwks`), and signs
 * ID tokens with keys made by `jose`, the way GitHub Actions and GitLab CI do. It also answers like
 * GitHub's job token endpoint (`ACTIONS_ID_TOKEN_REQUEST_URL`): `GET /actions/id-token?audience=…`
 * with `Authorization: bearer <request token>` gives `{"value": "<ID token>"}`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** The claims of one ID token; `iss`, `iat`, `exp` and `jti` are filled in unless given. */
export interface IdTokenClaims {
  sub: string;
  aud: string | string[];
  iss?: string;
  /** Seconds since the epoch. */
  iat?: number;
  nbf?: number;
  exp?: number;
  /** `null` leaves `jti` out. */
  jti?: string | null;
  [claim: string]: unknown;
}

/** The claims of a CI job, for the ID tokens it asks for: everything but the audience it names. */
export interface JobClaims {
  sub: string;
  [claim: string]: unknown;
}

/** A running issuer. */
export interface OidcIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of its tokens and the base of its discovery document. */
  url: string;
  /** The `kid` of the key that signs now. */
  currentKid: string;
  /** `ACTIONS_ID_TOKEN_REQUEST_URL` and `ACTIONS_ID_TOKEN_REQUEST_TOKEN` for a job of this issuer. */
  actionsEnv(claims: JobClaims): Record<string, string>;
  /** Signs an ID token with the current key (or a key of its own, not in the JWKS, with `foreignKey`). */
  sign(claims: IdTokenClaims, options?: { foreignKey?: boolean; kid?: string }): Promise<string>;
  /** A new signing key with a new `kid`; the JWKS serves it and, with `keepOld`, the previous ones too. */
  rotateKey(options?: { keepOld?: boolean }): Promise<string>;
  /** How many times the JWKS and the discovery document were fetched. */
  fetches: { discovery: number; jwks: number; idToken: number };
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const kid = randomBytes(6).toString('hex');
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/** Starts an issuer with one signing key. */
export async function startOidcIssuer(): Promise<OidcIssuer> {
  let keys: SigningKey[] = [await newKey()];
  const foreign = await newKey();
  const fetches = { discovery: 0, jwks: 0, idToken: 0 };
  /** Request tokens handed out by `actionsEnv`, with the claims of the job they stand for. */
  const jobs = new Map<string, JobClaims>();
  let url = '';

  const sign = async (claims: IdTokenClaims, options: { foreignKey?: boolean; kid?: string } = {}) => {
    const key = options.foreignKey === true ? foreign : keys[keys.length - 1]!;
    const now = Math.floor(Date.now() / 1000);
    const { jti, ...rest } = claims;
    const payload: Record<string, unknown> = { iss: url, iat: now, exp: now + 300, ...rest };
    if (jti !== null) payload['jti'] = jti ?? randomUUID();
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: options.kid ?? key.kid })
      .sign(key.privateKey);
  };

  const server: Server = createServer((request, response) => {
    const requestUrl = new URL(request.url ?? '/', url);
    const json = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (requestUrl.pathname === '/.well-known/openid-configuration') {
      fetches.discovery++;
      return json(200, {
        issuer: url,
        jwks_uri: `${url}/jwks`,
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (requestUrl.pathname === '/jwks') {
      fetches.jwks++;
      return json(200, { keys: keys.map((key) => key.publicJwk) });
    }
    if (requestUrl.pathname === '/actions/id-token') {
      fetches.idToken++;
      const job = jobs.get((request.headers.authorization ?? '').replace(/^bearer /i, ''));
      if (job === undefined) return json(401, { message: 'Bad request token' });
      const audience = requestUrl.searchParams.get('audience') ?? url;
      sign({ ...job, aud: audience }).then(
        (value) => json(200, { value }),
        () => json(500, { message: 'signing failed' }),
      );
      return undefined;
    }
    return json(404, { message: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    get currentKid() {
      return keys[keys.length - 1]!.kid;
    },
    actionsEnv(claims) {
      const requestToken = randomBytes(16).toString('hex');
      jobs.set(requestToken, claims);
      return {
        ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/actions/id-token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      };
    },
    sign,
    async rotateKey(options = {}) {
      const key = await newKey();
      keys = options.keepOld === true ? [...keys, key] : [key];
      return key.kid;
    },
    fetches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
