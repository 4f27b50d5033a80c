import { describe, expect, it } from 'vitest';
import type { InferenceUsage, InferenceUsageDelta, InferenceUsageStore } from './inference-ports.js';
import { InferenceUsageRecorder } from './inference-usage-recorder.js';

/** A store that keeps every batch it was given, and fails while `failing` is set. */
class BatchesStore implements InferenceUsageStore {
  readonly batches: InferenceUsageDelta[][] = [];
  failing = false;
  async add(deltas: readonly InferenceUsageDelta[]): Promise<void> {
    if (this.failing) throw new Error('database unreachable');
    this.batches.push(deltas.map((delta) => ({ ...delta })));
  }
  async usage(): Promise<InferenceUsage> {
    return { byProvider: [], byApiKey: [] };
  }
}

const caller = { accountId: 'acc_1', apiKeyId: null };

describe('InferenceUsageRecorder', () => {
  it('adds requests and tokens up per account, provider and API key, and writes them in one batch', async () => {
    const store = new BatchesStore();
    const recorder = new InferenceUsageRecorder(store);
    recorder.record(caller, 'openai', { requests: 1, promptTokens: 10, completionTokens: 2 });
    recorder.record(caller, 'openai', { requests: 1 });
    recorder.record(caller, 'openai', { promptTokens: 5, completionTokens: 1 });
    recorder.record({ accountId: 'acc_1', apiKeyId: 'key_1' }, 'openai', { requests: 1 });
    recorder.record(caller, 'anthropic', { requests: 1 });

    expect(recorder.size).toBe(3);
    expect(await recorder.flush()).toBe(3);
    expect(store.batches).toEqual([
      [
        { ...caller, provider: 'openai', requests: 2, promptTokens: 15, completionTokens: 3 },
        {
          accountId: 'acc_1',
          apiKeyId: 'key_1',
          provider: 'openai',
          requests: 1,
          promptTokens: 0,
          completionTokens: 0,
        },
        { ...caller, provider: 'anthropic', requests: 1, promptTokens: 0, completionTokens: 0 },
      ],
    ]);
    expect(await recorder.flush()).toBe(0);
  });

  it('keeps a failed batch and adds what came since to it, so the next flush loses nothing', async () => {
    const store = new BatchesStore();
    const recorder = new InferenceUsageRecorder(store);
    recorder.record(caller, 'openai', { requests: 1, promptTokens: 10 });
    store.failing = true;
    await expect(recorder.flush()).rejects.toThrow('database unreachable');
    recorder.record(caller, 'openai', { requests: 1, promptTokens: 1 });
    store.failing = false;

    await recorder.flush();
    expect(store.batches).toEqual([
      [{ ...caller, provider: 'openai', requests: 2, promptTokens: 11, completionTokens: 0 }],
    ]);
  });
});
