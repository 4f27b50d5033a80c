import { useEffect, useState } from 'react';
import { api } from '../api';
import type { Billing, InferenceUsage } from '../types';

/** The gateway's usage counts of `GET /v1/billing`, per provider and per API key. */
export type InferenceUsageReport = Billing['inference'];

/**
 * The account's inference usage, fetched once per `revision`; `null` while loading, and when the
 * billing report cannot be read: usage is extra information, so a page shows nothing rather than an error.
 */
export function useInferenceUsage(revision = 0): InferenceUsageReport | null {
  const [usage, setUsage] = useState<InferenceUsageReport | null>(null);
  useEffect(() => {
    let live = true;
    api.billing().then(
      (billing) => live && setUsage(billing.inference),
      () => live && setUsage(null),
    );
    return () => {
      live = false;
    };
  }, [revision]);
  return usage;
}

const numbers = new Intl.NumberFormat('en');

function plural(count: number, one: string, many: string): string {
  return `${numbers.format(count)} ${count === 1 ? one : many}`;
}

/** "12 requests · 3,456 tokens", with the prompt and completion split on hover. */
export function UsageText({ usage }: { usage: InferenceUsage | undefined }) {
  if (usage === undefined || usage.requests === 0) return <span className="muted">No requests yet</span>;
  const tokens = usage.prompt_tokens + usage.completion_tokens;
  return (
    <span
      title={`${numbers.format(usage.prompt_tokens)} prompt tokens, ${numbers.format(usage.completion_tokens)} completion tokens`}
    >
      {plural(usage.requests, 'request', 'requests')} · {plural(tokens, 'token', 'tokens')}
    </span>
  );
}
