/**
 * The console's view of the wire types: every one comes from the contract package, so a changed
 * field is a compile error here.
 */
import type { ApiKey, App, Token } from '@skytells/contract';

export type {
  Account,
  ActiveSession,
  ApiKey,
  ApiKeyStatus,
  App as OAuthApp,
  AuditEvent,
  AuthorizedApp,
  Billing,
  Expiration,
  InferenceUsage,
  Page,
  Provider,
  ProviderName,
  RateLimit,
  ScopeInfo,
  Token,
  TokenStatus,
  TokenUsage,
  CreatedWebhook,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  Workload,
} from '@skytells/contract';

/** A token together with its value, from the one response that creates it. */
export interface IssuedToken {
  token: Token;
  value: string;
}

/** An application together with its client secret, from the one response that creates it. */
export interface IssuedAppSecret {
  app: App;
  /** `null` for a public application, which has no secret. */
  secret: string | null;
}

/** An API key together with its value, from the one response that creates (or rolls) it. */
export interface IssuedApiKeyValue {
  apiKey: ApiKey;
  value: string;
}
