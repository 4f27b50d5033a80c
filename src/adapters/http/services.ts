import type { AccountService } from '../../core/account-service.js';
import type { ApiKeyService } from '../../core/api-key-service.js';
import type { AuditLog } from '../../core/audit.js';
import type { InferenceGateway } from '../../core/inference/inference-gateway.js';
import type { InferenceUsageRecorder } from '../../core/inference/inference-usage-recorder.js';
import type { Clock } from '../../core/clock.js';
import type { ApplicationService } from '../../core/oauth/application-service.js';
import type { AuthorizationServer } from '../../core/oauth/authorization-server.js';
import type { DeviceFlow } from '../../core/oauth/device-flow.js';
import type { TokenEndpoints } from '../../core/oauth/token-endpoints.js';
import type { RateLimiter } from '../../core/rate-limiter.js';
import type { PasskeyService } from '../../core/passkey-service.js';
import type { ProjectService } from '../../core/project-service.js';
import type { ProviderKeyService } from '../../core/providers/provider-key-service.js';
import type { SessionService } from '../../core/session-service.js';
import type { TokenRestrictionGuard } from '../../core/token-restriction-guard.js';
import type { TokenService } from '../../core/token-service.js';
import type { TokenUsageRecorder } from '../../core/token-usage-recorder.js';
import type { TokenUsageReports } from '../../core/token-usage-reports.js';
import type { TokenVerifier } from '../../core/token-verifier.js';
import type { TwoFactorService } from '../../core/two-factor-service.js';
import type { WebhookService } from '../../core/webhooks/webhook-service.js';
import type { WorkloadExchange } from '../../core/workloads/workload-exchange.js';
import type { WorkloadService } from '../../core/workloads/workload-service.js';

/** The use cases the HTTP API exposes; composed in `main`. */
export interface Services {
  clock: Clock;
  accounts: AccountService;
  sessions: SessionService;
  twoFactor: TwoFactorService;
  passkeys: PasskeyService;
  tokens: TokenService;
  apiKeys: ApiKeyService;
  verifier: TokenVerifier;
  /** Enforces a verified token's `allowed_ips` and `rate_limit` on each request. */
  restrictions: TokenRestrictionGuard;
  projects: ProjectService;
  /** The account's own provider keys (BYOK). */
  providerKeys: ProviderKeyService;
  /** The account's webhooks and their deliveries. */
  webhooks: WebhookService;
  /** The account's trusted workloads (docs/workloads.md). */
  workloads: WorkloadService;
  audit: AuditLog;
  oauth: {
    server: AuthorizationServer;
    device: DeviceFlow;
    endpoints: TokenEndpoints;
    apps: ApplicationService;
    /** RFC 8693 token exchange: a trusted workload's ID token for an access token. */
    exchange: WorkloadExchange;
    /** The issuer identifier and base URL of the authorization server (RFC 8414 §2). */
    issuer: string;
  };
  /** The model-inference gateway and the usage it counts. */
  inference: { gateway: InferenceGateway; usage: InferenceUsageRecorder };
  /** Which scopes and addresses each token's requests used, counted in memory, and reports of it. */
  tokenUsage: { recorder: TokenUsageRecorder; reports: TokenUsageReports };
  /** Counters shared by every server process, for the HTTP rate limits. */
  limiter: RateLimiter;
  /** Whether the database answers, for `/readyz`. */
  isReady(): Promise<boolean>;
}
