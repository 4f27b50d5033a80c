/** The checks of a token exchange, in the order they run (docs/workloads.md, "Refusals"). */
export type ExchangeCheck =
  'format' | 'issuer' | 'signature' | 'expiry' | 'audience' | 'subject' | 'claims' | 'replay' | 'scope';

/** An ID token refused by one check of an exchange; `description` is public and never holds the token. */
export class ExchangeRefusal extends Error {
  readonly check: ExchangeCheck;
  readonly description: string;

  constructor(check: ExchangeCheck, detail: string, options: { cause?: unknown } = {}) {
    const description = `${check} check failed: ${detail}`;
    super(description, { cause: options.cause });
    this.name = 'ExchangeRefusal';
    this.check = check;
    this.description = description;
  }
}

/**
 * Verifies an OIDC ID token with the keys its issuer publishes (OpenID Connect Discovery 1.0 §4,
 * RFC 7517): the signature with an asymmetric algorithm, and `exp`, `nbf` and `iat` with 60 seconds
 * of clock skew.
 */
export interface IdTokenVerifier {
  /**
   * The claims of `idToken`, once its signature by one of `issuer`'s keys and its time claims hold.
   * @throws ExchangeRefusal `issuer` (the discovery document or JWKS cannot be fetched or names
   * another issuer), `signature`, `expiry` or `format`.
   */
  verify(idToken: string, issuer: string): Promise<Record<string, unknown>>;
}
