import type { Scope } from '../scopes.js';

/**
 * A trusted workload (docs/workloads.md): which OIDC ID tokens may be exchanged for a short-lived
 * access token of the account, and what that token may do.
 */
export interface Workload {
  /** `wl_…`. */
  id: string;
  accountId: string;
  /** 1 to 100 characters, unique in the account. */
  name: string;
  /** The OIDC issuer, exactly as its ID tokens' `iss`. */
  issuer: string;
  /** The `aud` the ID token must carry. */
  audience: string;
  /** The `sub` pattern: a segment that is exactly `*` matches any one non-empty segment. */
  subject: string;
  /** Further claims the ID token must carry, with exactly these values. */
  claims: Record<string, string>;
  /** The scopes of every token it issues. */
  scopes: Scope[];
  /** The addresses or CIDRs issued tokens may be used from; null: anywhere. */
  allowedIps: string[] | null;
  /** How long an issued token lives, in seconds. */
  ttlSeconds: number;
  createdAt: Date;
  lastExchangedAt: Date | null;
}
