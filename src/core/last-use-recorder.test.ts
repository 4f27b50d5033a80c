import { describe, expect, it } from 'vitest';
import { LastUseRecorder } from './last-use-recorder.js';
import type { ApiKeyUse, CredentialUse, LastUse, TokenStore } from './ports.js';

/** The one port method the recorder uses, recording each batch and failing when told to. */
class BatchLog implements Pick<TokenStore, 'recordLastUse'> {
  readonly batches: CredentialUse[][] = [];
  failNext = false;
  /** Runs while a batch is being written, to act "during" the flush. */
  during: (() => void) | undefined;

  async recordLastUse(uses: readonly LastUse[]): Promise<void> {
    this.during?.();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('database unavailable');
    }
    this.batches.push(uses.map(({ tokenId, ...rest }) => ({ kind: 'token', id: tokenId, ...rest })));
  }

  asTokenStore(): TokenStore {
    return this as unknown as TokenStore;
  }
}

const use = (id: string, second: number, ip = '192.0.2.1'): CredentialUse => ({
  kind: 'token',
  id,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)),
  ip,
  userAgent: `agent/${second}`,
});

describe('LastUseRecorder', () => {
  it('keeps only the newest observation of each token until it is flushed', () => {
    const recorder = new LastUseRecorder(new BatchLog().asTokenStore());

    recorder.record(use('tok_a', 1));
    recorder.record(use('tok_a', 2, '192.0.2.2'));
    recorder.record(use('tok_b', 3));

    expect(recorder.size).toBe(2);
    expect(recorder.pending('tok_a')).toEqual(use('tok_a', 2, '192.0.2.2'));
    expect(recorder.pending('tok_c')).toBeUndefined();
  });

  it('writes every pending observation in one batch, then holds nothing', async () => {
    const log = new BatchLog();
    const recorder = new LastUseRecorder(log.asTokenStore());
    recorder.record(use('tok_a', 1));
    recorder.record(use('tok_a', 2));
    recorder.record(use('tok_b', 3));

    expect(await recorder.flush()).toBe(2);

    expect(log.batches).toEqual([[use('tok_a', 2), use('tok_b', 3)]]);
    expect(recorder.size).toBe(0);
    expect(recorder.pending('tok_a')).toBeUndefined();
  });

  it('does not touch the store when nothing is pending', async () => {
    const log = new BatchLog();
    const recorder = new LastUseRecorder(log.asTokenStore());

    expect(await recorder.flush()).toBe(0);

    expect(log.batches).toEqual([]);
  });

  it('keeps an observation recorded while a flush is writing for the next flush', async () => {
    const log = new BatchLog();
    const recorder = new LastUseRecorder(log.asTokenStore());
    recorder.record(use('tok_a', 1));
    log.during = () => recorder.record(use('tok_a', 2));

    await recorder.flush();
    log.during = undefined;
    await recorder.flush();

    expect(log.batches).toEqual([[use('tok_a', 1)], [use('tok_a', 2)]]);
  });

  it('keeps a failed batch for the next flush, where newer observations win', async () => {
    const log = new BatchLog();
    const recorder = new LastUseRecorder(log.asTokenStore());
    recorder.record(use('tok_a', 1));
    recorder.record(use('tok_b', 2));
    log.failNext = true;
    log.during = () => recorder.record(use('tok_a', 5));

    await expect(recorder.flush()).rejects.toThrow('database unavailable');
    log.during = undefined;

    expect(recorder.pending('tok_a')).toEqual(use('tok_a', 5));
    expect(recorder.pending('tok_b')).toEqual(use('tok_b', 2));
    expect(await recorder.flush()).toBe(2);
    expect(log.batches).toEqual([[use('tok_a', 5), use('tok_b', 2)]]);
  });

  it('writes API key observations to the API key store and token observations to the token store', async () => {
    const tokens = new BatchLog();
    const keys: ApiKeyUse[][] = [];
    const recorder = new LastUseRecorder(tokens.asTokenStore(), {
      recordLastUse: async (uses) => void keys.push([...uses]),
    });
    const at = new Date(Date.UTC(2026, 0, 1));
    recorder.record(use('tok_a', 1));
    recorder.record({ kind: 'api_key', id: 'key_a', at, ip: '192.0.2.7', userAgent: 'curl/8' });

    expect(await recorder.flush()).toBe(2);

    expect(tokens.batches).toEqual([[use('tok_a', 1)]]);
    expect(keys).toEqual([[{ keyId: 'key_a', at, ip: '192.0.2.7' }]]);
  });
});
