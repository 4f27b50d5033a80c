import { type Static, Type } from '@sinclair/typebox';
import { TOKEN_EXCHANGE_GRANT } from './workloads.js';

/** RFC 8628 §3.4: the device code grant type. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** The built-in public client of the `skytells` CLI. */
export const CLI_CLIENT_ID = 'skytells-cli';

const Param = (description: string) => Type.Optional(Type.String({ description }));

/** Client authentication in the body (RFC 6749 §2.3.1); HTTP Basic works too. */
const ClientParams = {
  client_id: Param('The client; or send HTTP Basic credentials.'),
  client_secret: Param('A confidential client’s secret, when not sent by HTTP Basic.'),
};

/** `POST /oauth/token`, form-encoded (RFC 6749 §4.1.3, RFC 8628 §3.4, RFC 8693 §2.1). */
export const TokenRequestSchema = Type.Object(
  {
    grant_type: Type.String({
      description: `\`authorization_code\`, \`${DEVICE_CODE_GRANT}\` or \`${TOKEN_EXCHANGE_GRANT}\`.`,
    }),
    code: Param('authorization_code: the code from the redirect.'),
    redirect_uri: Param('authorization_code: the redirect URI of the authorization request.'),
    code_verifier: Param('authorization_code: the PKCE verifier (RFC 7636).'),
    device_code: Param('device_code: the device code.'),
    subject_token: Param('token-exchange: the OIDC ID token of the workload (a JWT).'),
    subject_token_type: Param('token-exchange: `urn:ietf:params:oauth:token-type:id_token`.'),
    audience: Param('token-exchange: the workload, by id or name.'),
    resource: Param('token-exchange: the workload, by id or name, when `audience` is not given.'),
    scope: Param("token-exchange: space-separated scopes, at most the workload's; default all of them."),
    requested_token_type: Param('token-exchange: `urn:ietf:params:oauth:token-type:access_token` or absent.'),
    ...ClientParams,
  },
  { $id: 'OAuthTokenRequest' },
);

/** A successful token response (RFC 6749 §5.1). */
export const TokenResponseSchema = Type.Object(
  {
    access_token: Type.String(),
    issued_token_type: Type.Optional(
      Type.String({ description: 'token-exchange: `urn:ietf:params:oauth:token-type:access_token`.' }),
    ),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    scope: Type.String(),
  },
  { $id: 'OAuthTokenResponse' },
);
export type TokenResponse = Static<typeof TokenResponseSchema>;

/** `POST /oauth/device_authorization`, form-encoded (RFC 8628 §3.1). */
export const DeviceAuthorizationRequestSchema = Type.Object(
  {
    scope: Param('Space-separated scopes.'),
    device_name: Param('Shown to the person approving, e.g. the host name.'),
    ...ClientParams,
  },
  { $id: 'DeviceAuthorizationRequest' },
);

/** RFC 8628 §3.2. */
export const DeviceAuthorizationResponseSchema = Type.Object(
  {
    device_code: Type.String(),
    user_code: Type.String(),
    verification_uri: Type.String(),
    verification_uri_complete: Type.String(),
    expires_in: Type.Integer(),
    interval: Type.Integer(),
  },
  { $id: 'DeviceAuthorizationResponse' },
);
export type DeviceAuthorizationResponse = Static<typeof DeviceAuthorizationResponseSchema>;

/** `POST /oauth/revoke`, form-encoded (RFC 7009 §2.1). */
export const RevocationRequestSchema = Type.Object(
  {
    token: Type.String(),
    token_type_hint: Param('`access_token`; other hints are ignored.'),
    ...ClientParams,
  },
  { $id: 'RevocationRequest' },
);

/** `POST /oauth/introspect`, form-encoded (RFC 7662 §2.1). */
export const IntrospectionRequestSchema = Type.Object(
  {
    token: Type.String(),
    token_type_hint: Param('`access_token`; other hints are ignored.'),
    ...ClientParams,
  },
  { $id: 'IntrospectionRequest' },
);

/** RFC 7662 §2.2; `active: false` alone for anything not active or not visible to the caller. */
export const IntrospectionResponseSchema = Type.Object(
  {
    active: Type.Boolean(),
    scope: Type.Optional(Type.String()),
    client_id: Type.Optional(Type.String()),
    token_type: Type.Optional(Type.Literal('Bearer')),
    exp: Type.Optional(Type.Integer()),
    iat: Type.Optional(Type.Integer()),
    sub: Type.Optional(Type.String()),
    jti: Type.Optional(Type.String()),
  },
  { $id: 'IntrospectionResponse' },
);
export type IntrospectionResponse = Static<typeof IntrospectionResponseSchema>;

/** RFC 8414 §2 authorization server metadata. */
export const AuthorizationServerMetadataSchema = Type.Object(
  {
    issuer: Type.String(),
    authorization_endpoint: Type.String(),
    token_endpoint: Type.String(),
    device_authorization_endpoint: Type.String(),
    revocation_endpoint: Type.String(),
    introspection_endpoint: Type.String(),
    scopes_supported: Type.Array(Type.String()),
    response_types_supported: Type.Array(Type.String()),
    response_modes_supported: Type.Array(Type.String()),
    grant_types_supported: Type.Array(Type.String()),
    token_endpoint_auth_methods_supported: Type.Array(Type.String()),
    revocation_endpoint_auth_methods_supported: Type.Array(Type.String()),
    introspection_endpoint_auth_methods_supported: Type.Array(Type.String()),
    code_challenge_methods_supported: Type.Array(Type.String()),
    authorization_response_iss_parameter_supported: Type.Boolean(),
    service_documentation: Type.String(),
  },
  { $id: 'AuthorizationServerMetadata' },
);
export type AuthorizationServerMetadata = Static<typeof AuthorizationServerMetadataSchema>;
