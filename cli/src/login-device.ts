/**
 * `skytells login --device`: the device authorization grant (RFC 8628), for SSH sessions,
 * containers and machines without a browser. The code is approved on any other device.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as oauth from 'oauth4webapi';
import type { CliContext } from './context.js';
import { CliError, ExitCode } from './errors.js';
import type { AuthorizationRequestParams } from './login-web.js';
import { type OAuthServer, oauthFailure } from './oauth-client.js';

/** Runs the device flow and returns the access token. @throws CliError */
export async function obtainTokenWithDeviceCode(
  ctx: CliContext,
  server: OAuthServer,
  params: AuthorizationRequestParams,
): Promise<string> {
  const { render } = ctx;
  let authorization: oauth.DeviceAuthorizationResponse;
  try {
    const response = await render.spin(
      'Asking for a device code…',
      oauth.deviceAuthorizationRequest(
        server.as,
        server.client,
        server.clientAuth,
        { scope: params.scopes.join(' '), device_name: params.deviceName },
        server.requestOptions(),
      ),
    );
    authorization = await oauth.processDeviceAuthorizationResponse(server.as, server.client, response);
  } catch (error) {
    throw oauthFailure(error, server.host, ctx.signal);
  }

  // RFC 8628 §3.3: show the code and where to enter it, prominently.
  render.info();
  render.info(
    `${render.style('yellow', '!')} Your one-time code: ${render.style('bold', authorization.user_code)}`,
  );
  render.info();
  render.info(`  Open ${authorization.verification_uri} on any device, sign in, and enter the code.`);
  if (authorization.verification_uri_complete !== undefined)
    render.info(`  Or open ${authorization.verification_uri_complete} to have it filled in.`);
  render.info();

  const deadline = Date.now() + authorization.expires_in * 1000;
  // RFC 8628 §3.5: 5 seconds unless the server says otherwise.
  let interval = authorization.interval ?? 5;
  const poll = async (): Promise<string> => {
    for (;;) {
      // §3.5: the client waits `interval` seconds before each request, the first one included.
      await sleep(interval * 1000, undefined, { signal: ctx.signal });
      if (Date.now() >= deadline) break;
      try {
        const response = await oauth.deviceCodeGrantRequest(
          server.as,
          server.client,
          server.clientAuth,
          authorization.device_code,
          server.requestOptions(),
        );
        const result = await oauth.processDeviceCodeResponse(server.as, server.client, response);
        return result.access_token;
      } catch (error) {
        if (error instanceof oauth.ResponseBodyError && error.error === 'authorization_pending') continue;
        // §3.5: slow_down adds 5 seconds to this and every later interval.
        if (error instanceof oauth.ResponseBodyError && error.error === 'slow_down') {
          interval += 5;
          continue;
        }
        throw oauthFailure(error, server.host, ctx.signal);
      }
    }
    throw new CliError('The code expired before it was approved.', {
      exitCode: ExitCode.auth,
      code: 'expired_token',
      hint: 'Run `skytells login --device` again.',
    });
  };
  try {
    return await render.spin('Waiting for you to approve the code…', poll());
  } catch (error) {
    throw oauthFailure(error, server.host, ctx.signal);
  }
}
