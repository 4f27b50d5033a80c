/** One signed POST of a delivery's body. */
export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/**
 * How webhook deliveries travel, and which receivers they may reach. An adapter resolves the host
 * name and checks every address, at registration and again on every delivery (a host name may be
 * pointed elsewhere between the two).
 */
export interface WebhookTransport {
  /** Why `url` may not receive webhooks (a private or loopback address, say), or `undefined` when it may. */
  refusalOf(url: string): Promise<string | undefined>;
  /**
   * POSTs `request` without following redirects, within the transport's time-out.
   * @returns the receiver's status.
   * @throws Error when no answer came: unreachable, timed out, or an address that may not be used.
   */
  post(request: WebhookRequest): Promise<{ status: number }>;
}
