/**
 * `skytells login --web`: the authorization code grant with PKCE (RFC 6749 §4.1, RFC 7636) and a
 * loopback redirect (RFC 8252 §7.3), as a native app should do it.
 */
import * as oauth from 'oauth4webapi';
import { NO_BROWSER_REASONS, noBrowserReason, openBrowser } from './browser.js';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import { startLoopbackListener } from './loopback-listener.js';
import { type OAuthServer, oauthFailure } from './oauth-client.js';

/** How long the browser has to come back (issue §1: 5 minutes). */
export const WEB_LOGIN_TIMEOUT_MS = 5 * 60_000;

/** What the login asks for. */
export interface AuthorizationRequestParams {
  scopes: string[];
  /** Names the issued token on the server: "Skytells CLI on <device name>". */
  deviceName: string;
}

/** Runs the browser flow and returns the access token. @throws CliError */
export async function obtainTokenInBrowser(
  ctx: CliContext,
  server: OAuthServer,
  params: AuthorizationRequestParams,
): Promise<string> {
  const { render } = ctx;
  const timeout = AbortSignal.timeout(WEB_LOGIN_TIMEOUT_MS);
  const signal = AbortSignal.any([ctx.signal, timeout]);
  const listener = await startLoopbackListener();
  try {
    // RFC 7636 §4.1–4.2: a fresh verifier per attempt, only its S256 challenge leaves the process.
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const codeChallenge = await oauth.calculatePKCECodeChallenge(codeVerifier);
    // RFC 6749 §10.12: `state` binds the answer to this attempt.
    const state = oauth.generateRandomState();
    const url = new URL(server.as.authorization_endpoint ?? `${server.host}/oauth/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: server.client.client_id,
      redirect_uri: listener.redirectUri,
      scope: params.scopes.join(' '),
      state,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      device_name: params.deviceName,
    }).toString();

    // The URL first: it is the way in when the browser does not open, or opens on the wrong profile.
    render.info('Open this URL in a browser to log in:');
    render.info();
    render.info(`  ${url.href}`);
    render.info();
    const reason = noBrowserReason(ctx.env, ctx.io.platform);
    const opened = reason === undefined && (await openBrowser(url.href, ctx.env, ctx.io.platform));
    if (opened) render.info('Opened your browser. Approve the request there.');
    else if (reason !== 'disabled') {
      render.warn(
        `No browser opened${reason === undefined ? '' : ` (${NO_BROWSER_REASONS[reason]})`}: open the URL above on this machine, ` +
          'or press Ctrl-C and run `skytells login --device` to approve from another device.',
      );
    }

    let callback;
    try {
      callback = await render.spin('Waiting for the browser…', listener.callback(signal));
    } catch (error) {
      if (timeout.aborted && !ctx.signal.aborted) {
        throw new CliError('The browser did not come back within 5 minutes.', {
          exitCode: ExitCode.auth,
          code: 'login_timeout',
          hint: 'Run `skytells login` again, or `skytells login --device`.',
        });
      }
      throw oauthFailure(error, server.host, ctx.signal);
    }

    if (callback.url.searchParams.get('state') !== state) {
      // Not the answer to this attempt: a forged or stale redirect. Never redeem its code.
      callback.respond(false, 'This login link does not belong to the running `skytells login`.');
      throw new CliError('The browser returned an answer that does not match this login (state mismatch).', {
        exitCode: ExitCode.auth,
        code: 'state_mismatch',
        hint: 'Run `skytells login` again.',
      });
    }
    let parameters: URLSearchParams;
    try {
      // Checks `iss` (RFC 9207) and turns `error=` into an exception.
      parameters = oauth.validateAuthResponse(server.as, server.client, callback.url, state);
    } catch (error) {
      const failure = oauthFailure(error, server.host, ctx.signal);
      callback.respond(false, `${failure.message} You can close this tab.`);
      throw failure;
    }
    try {
      const response = await render.spin(
        'Finishing the login…',
        oauth.authorizationCodeGrantRequest(
          server.as,
          server.client,
          server.clientAuth,
          parameters,
          listener.redirectUri,
          codeVerifier,
          server.requestOptions(),
        ),
      );
      const result = await oauth.processAuthorizationCodeResponse(server.as, server.client, response);
      callback.respond(
        true,
        'The Skytells CLI is logged in. You can close this tab and return to the terminal.',
      );
      return result.access_token;
    } catch (error) {
      const failure = oauthFailure(error, server.host, ctx.signal);
      callback.respond(false, `${failure.message} Return to the terminal.`);
      throw failure;
    }
  } finally {
    listener.close();
  }
}
