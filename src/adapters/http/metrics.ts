import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import {
  VERIFICATION_RESULTS,
  type VerificationObserver,
  type VerificationResult,
} from '../../core/token-verifier.js';

/** The server's Prometheus metrics, in a registry of their own. */
export interface Metrics {
  registry: Registry;
  /** Counts each token verification by result and records its latency. */
  observeVerification: VerificationObserver;
}

/**
 * prom-client's default metrics that break the Prometheus naming rules: gauges may not end in
 * `_total`, which marks a counter. Each is the sum of the per-type gauge of the same name without
 * the suffix (`sum(nodejs_active_handles)`), so nothing is lost by leaving them out.
 */
const GAUGES_NAMED_AS_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * Creates the registry with the standard `process_*` and `nodejs_*` metrics and the
 * token-verification counter and histogram.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  // Unprefixed, so the usual Node.js dashboards and alerts find them.
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(name);
  const verifications = new Counter({
    name: 'skytells_token_verifications_total',
    help: 'Access-token verifications by result.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'skytells_token_verification_duration_seconds',
    help: 'Time to verify an access token.',
    buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
    registers: [registry],
  });
  // Every result is exposed from the start, at 0, so rate() and alerts see the series before the first
  // event. The labelled children are looked up once: counting on the hot path is then one addition.
  const byResult = {} as Record<VerificationResult, Counter.Internal>;
  for (const result of VERIFICATION_RESULTS) {
    byResult[result] = verifications.labels(result);
    byResult[result].inc(0);
  }
  return {
    registry,
    observeVerification: (result, seconds) => {
      byResult[result].inc();
      latency.observe(seconds);
    },
  };
}
