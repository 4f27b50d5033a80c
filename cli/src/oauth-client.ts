/**
 * The CLI as an OAuth 2 client of its server (docs/oauth.md), through oauth4webapi: RFC 8414
 * discovery, then the authorization code grant with PKCE or the device authorization grant.
 * The CLI is the built-in public client `skytells-cli`: no secret (RFC 8252 §8.5).
 */
import { CLI_CLIENT_ID } from '@skytells/contract';
import * as oauth from 'oauth4webapi';
import { cancelled, CliError, ExitCode, isAbortError } from './errors.js';

/** The built-in public client of the `skytells` CLI. */
export const CLI_CLIENT: oauth.Client = { client_id: CLI_CLIENT_ID, token_endpoint_auth_method: 'none' };

/** The scopes `skytells login` asks for unless `--scopes` names others: what its commands need. */
export const DEFAULT_LOGIN_SCOPES = [
  'account:read',
  'tokens:read',
  'tokens:write',
  'projects:read',
  'projects:write',
  'deployments:read',
  'deployments:write',
];

/** The transport options of every request to the authorization server. */
export interface RequestOptions {
  signal: AbortSignal;
  headers: Record<string, string>;
  [oauth.allowInsecureRequests]?: boolean;
}

/** A discovered authorization server and the request options every call to it uses. */
export interface OAuthServer {
  host: string;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** Shared request options: User-Agent, Ctrl-C, and plain HTTP allowed for `http://` hosts. */
  requestOptions: () => RequestOptions;
}

/** Fetches the server's RFC 8414 metadata and checks that it names `host` as its issuer. */
export async function discover(
  host: string,
  options: { signal: AbortSignal; userAgent: string },
): Promise<OAuthServer> {
  const requestOptions = (): RequestOptions => ({
    signal: AbortSignal.any([options.signal, AbortSignal.timeout(30_000)]),
    headers: { 'user-agent': options.userAgent },
    // A self-hosted server on a loopback or private address may well serve plain HTTP.
    ...(host.startsWith('http:') ? { [oauth.allowInsecureRequests]: true } : {}),
  });
  const issuer = new URL(host);
  try {
    const response = await oauth.discoveryRequest(issuer, { ...requestOptions(), algorithm: 'oauth2' });
    const as = await oauth.processDiscoveryResponse(issuer, response);
    return { host, as, client: CLI_CLIENT, clientAuth: oauth.None(), requestOptions };
  } catch (error) {
    throw oauthFailure(error, host, options.signal);
  }
}

const GRANT_ERRORS: Record<string, string> = {
  access_denied: 'The request was denied in the browser.',
  expired_token: 'The code expired before it was approved.',
  invalid_grant: 'The server refused the authorization (it expired or was already used).',
  invalid_scope: 'The server does not offer one of the requested scopes.',
  invalid_client: 'The server does not accept the Skytells CLI as a client.',
  unauthorized_client: 'The server does not let the Skytells CLI do this.',
};

/** An oauth4webapi failure (or a network one) as a sentence and the command to run. */
export function oauthFailure(error: unknown, host: string, signal?: AbortSignal): CliError {
  if (error instanceof CliError) return error;
  if (signal?.aborted === true) return cancelled();
  const retry = 'Run `skytells login` to try again.';
  if (error instanceof oauth.ResponseBodyError || error instanceof oauth.AuthorizationResponseError) {
    const sentence =
      GRANT_ERRORS[error.error] ?? `The server refused the login: ${error.error_description ?? error.error}.`;
    return new CliError(sentence, { hint: retry, code: error.error, exitCode: ExitCode.auth, cause: error });
  }
  if (error instanceof oauth.OperationProcessingError) {
    const body = (error.cause as { body?: { issuer?: unknown } } | undefined)?.body;
    if (error.code === oauth.JSON_ATTRIBUTE_COMPARISON && typeof body?.issuer === 'string') {
      return new CliError(`The server at ${host} calls itself ${body.issuer}.`, {
        hint: `Log in with --host ${body.issuer}, or set SKYTELLS_PUBLIC_URL=${host} on the server.`,
        code: 'issuer_mismatch',
        cause: error,
      });
    }
    if (error.code === oauth.RESPONSE_IS_NOT_CONFORM || error.code === oauth.RESPONSE_IS_NOT_JSON) {
      return new CliError(`${host} did not answer like a Skytells server.`, {
        hint: 'Check the address (--host or SKYTELLS_HOST).',
        code: 'not_a_skytells_server',
        cause: error,
      });
    }
    return new CliError(`The login failed: ${error.message}.`, {
      hint: retry,
      code: 'oauth_error',
      cause: error,
    });
  }
  if (isAbortError(error))
    return new CliError(`${host} did not answer in time.`, { hint: retry, cause: error });
  if (error instanceof TypeError) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return new CliError(`Could not reach ${host} (${cause?.code ?? error.message}).`, {
      hint: 'Check the address (--host or SKYTELLS_HOST) and that the server is running.',
      code: 'network_error',
      cause: error,
    });
  }
  return new CliError(`The login failed: ${error instanceof Error ? error.message : String(error)}.`, {
    hint: retry,
    code: 'oauth_error',
    cause: error,
  });
}

/** RFC 7009: revokes a token this client obtained. Resolves once the server confirms. */
export async function revokeToken(server: OAuthServer, token: string): Promise<void> {
  try {
    const response = await oauth.revocationRequest(
      server.as,
      server.client,
      server.clientAuth,
      token,
      server.requestOptions(),
    );
    await oauth.processRevocationResponse(response);
  } catch (error) {
    throw oauthFailure(error, server.host);
  }
}
