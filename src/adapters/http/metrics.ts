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

/** Upper bounds of the verification latency histogram, in seconds. */
const LATENCY_BUCKETS = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05];

/**
 * Creates the registry with the standard `process_*` and `nodejs_*` metrics and the
 * token-verification counter and histogram.
 *
 * A verification is on every request: it adds to plain numbers here, and the prom-client metrics
 * take them over when scraped (their `collect`), so the hot path never pays for prom-client's label
 * hashing and validation.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  // Unprefixed, so the usual Node.js dashboards and alerts find them.
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(name);
  const counts = Object.fromEntries(VERIFICATION_RESULTS.map((result) => [result, 0])) as Record<
    VerificationResult,
    number
  >;
  /** Observations per bucket (the last one: above every bound), their sum and count, not yet taken. */
  const buckets = new Float64Array(LATENCY_BUCKETS.length + 1);
  let sum = 0;
  let observed = 0;

  new Counter({
    name: 'skytells_token_verifications_total',
    help: 'Access-token verifications by result.',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      for (const result of VERIFICATION_RESULTS) {
        // Every result is exposed from the start, at 0, so rate() and alerts see the series before
        // the first event.
        this.inc({ result }, counts[result]);
        counts[result] = 0;
      }
    },
  });
  new Histogram({
    name: 'skytells_token_verification_duration_seconds',
    help: 'Time to verify an access token.',
    buckets: LATENCY_BUCKETS,
    registers: [registry],
    collect() {
      takeLatencies(this, buckets, sum, observed);
      buckets.fill(0);
      sum = 0;
      observed = 0;
    },
  });
  return {
    registry,
    observeVerification: (result, seconds) => {
      counts[result] += 1;
      let bucket = 0;
      while (bucket < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[bucket]!) bucket++;
      buckets[bucket]! += 1;
      sum += seconds;
      observed += 1;
    },
  };
}

/** prom-client's record of a label-less histogram (lib/histogram.js, `createBaseValues`). */
interface HistogramValues {
  bucketValues: Record<number, number>;
  sum: number;
  count: number;
}

/**
 * Adds counted latencies to `histogram`: per bucket, as its `observe` would have one at a time.
 * prom-client has no call that adds many observations at once, so this writes the record it keeps
 * for a histogram without labels (its shape is checked: a prom-client that keeps another one fails
 * here, and the metrics test, rather than count wrong).
 */
function takeLatencies(histogram: Histogram, buckets: Float64Array, sum: number, count: number): void {
  const values = (histogram as unknown as { hashMap: Record<string, HistogramValues | undefined> }).hashMap[
    ''
  ];
  if (values === undefined || typeof values.count !== 'number' || typeof values.bucketValues !== 'object') {
    throw new Error('prom-client keeps a histogram differently from what this code expects');
  }
  LATENCY_BUCKETS.forEach((bound, i) => {
    values.bucketValues[bound] = (values.bucketValues[bound] ?? 0) + buckets[i]!;
  });
  values.sum += sum;
  values.count += count;
}
