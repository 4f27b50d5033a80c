import { Type } from '@sinclair/typebox';
import { type Operation, PUBLIC } from '../operation.js';
import {
  AuthorizationServerMetadataSchema,
  DeviceAuthorizationRequestSchema,
  DeviceAuthorizationResponseSchema,
  IntrospectionRequestSchema,
  IntrospectionResponseSchema,
  RevocationRequestSchema,
  TokenRequestSchema,
  TokenResponseSchema,
} from '../schemas/oauth.js';

/** The authorization server (RFC 6749, 7009, 7662, 8414, 8628). */
export const oauthOperations = {
  getAuthorizationServerMetadata: {
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    summary: 'Authorization server metadata (RFC 8414)',
    tag: 'oauth',
    auth: PUBLIC,
    responses: { 200: AuthorizationServerMetadataSchema },
  },
  oauthToken: {
    method: 'POST',
    path: '/oauth/token',
    summary: 'Token endpoint (RFC 6749 §3.2, RFC 8628 §3.4)',
    tag: 'oauth',
    auth: { kind: 'client' },
    form: true,
    body: TokenRequestSchema,
    responses: { 200: TokenResponseSchema },
  },
  oauthDeviceAuthorization: {
    method: 'POST',
    path: '/oauth/device_authorization',
    summary: 'Device authorization endpoint (RFC 8628 §3.1)',
    tag: 'oauth',
    auth: { kind: 'client' },
    form: true,
    body: DeviceAuthorizationRequestSchema,
    responses: { 200: DeviceAuthorizationResponseSchema },
  },
  oauthRevoke: {
    method: 'POST',
    path: '/oauth/revoke',
    summary: 'Token revocation (RFC 7009)',
    tag: 'oauth',
    auth: { kind: 'client' },
    form: true,
    body: RevocationRequestSchema,
    responses: { 200: Type.Object({}) },
  },
  oauthIntrospect: {
    method: 'POST',
    path: '/oauth/introspect',
    summary: 'Token introspection (RFC 7662); a client, or a token holding tokens:read',
    tag: 'oauth',
    auth: { kind: 'client', scope: 'tokens:read' },
    form: true,
    body: IntrospectionRequestSchema,
    responses: { 200: IntrospectionResponseSchema },
  },
} as const satisfies Record<string, Operation>;
