import { describe, expect, it } from 'vitest';
import type { TokenUsageCount } from './ports.js';
import { TokenUsageRecorder } from './token-usage-recorder.js';
import { summarize } from './token-usage-reports.js';

const AT = new Date('2026-05-01T23:59:00.000Z');
const request = (fields: Partial<{ tokenId: string; scope: string | null; ip: string; at: Date }> = {}) => ({
  tokenId: 'tok_a',
  scope: 'projects:read',
  ip: '203.0.113.5',
  at: AT,
  ...fields,
});

/** A store that keeps what it is given, and fails while `failing` is set. */
function storeOf() {
  const written: TokenUsageCount[][] = [];
  const store = {
    failing: false,
    written,
    add: (counts: readonly TokenUsageCount[]) => {
      if (store.failing) return Promise.reject(new Error('database away'));
      written.push([...counts]);
      return Promise.resolve();
    },
  };
  return store;
}

describe('TokenUsageRecorder', () => {
  it('counts requests per token, UTC day, scope and address, and shows them before a flush', () => {
    const recorder = new TokenUsageRecorder(storeOf());
    recorder.record(request());
    recorder.record(request({ at: new Date(AT.getTime() + 30_000) }));
    recorder.record(request({ at: new Date(AT.getTime() + 120_000) }));
    recorder.record(request({ scope: null }));
    recorder.record(request({ tokenId: 'tok_b' }));

    expect(recorder.size).toBe(4);
    expect(recorder.pending('tok_a')).toEqual([
      {
        tokenId: 'tok_a',
        day: '2026-05-01',
        scope: 'projects:read',
        ip: '203.0.113.5',
        requests: 2,
        lastAt: new Date(AT.getTime() + 30_000),
      },
      {
        tokenId: 'tok_a',
        day: '2026-05-02',
        scope: 'projects:read',
        ip: '203.0.113.5',
        requests: 1,
        lastAt: new Date(AT.getTime() + 120_000),
      },
      { tokenId: 'tok_a', day: '2026-05-01', scope: null, ip: '203.0.113.5', requests: 1, lastAt: AT },
    ]);
  });

  it('counts alternating scopes and addresses of one token each in its own counter', () => {
    const recorder = new TokenUsageRecorder(storeOf());
    for (let i = 0; i < 3; i++) {
      recorder.record(request({ scope: 'projects:read' }));
      recorder.record(request({ scope: 'projects:write' }));
      recorder.record(request({ scope: 'projects:read', ip: '2001:db8::1' }));
    }
    recorder.record(request({ scope: 'projects:write' }));

    expect(recorder.size).toBe(3);
    expect(recorder.pending('tok_a').map(({ scope, ip, requests }) => `${scope} ${ip} ${requests}`)).toEqual([
      'projects:read 203.0.113.5 3',
      'projects:write 203.0.113.5 4',
      'projects:read 2001:db8::1 3',
    ]);
  });

  it('writes everything in one batch, and keeps a failed batch, with what came since, for the next flush', async () => {
    const store = storeOf();
    const recorder = new TokenUsageRecorder(store);
    recorder.record(request());
    recorder.record(request());
    store.failing = true;
    await expect(recorder.flush()).rejects.toThrow('database away');
    recorder.record(request());
    expect(recorder.pending('tok_a')).toMatchObject([{ requests: 3 }]);

    store.failing = false;
    expect(await recorder.flush()).toBe(1);
    expect(store.written).toEqual([[expect.objectContaining({ tokenId: 'tok_a', requests: 3 })]]);
    expect(recorder.size).toBe(0);
    expect(await recorder.flush()).toBe(0);
  });
});

describe('summarize', () => {
  const count = (scope: string, ip = '203.0.113.5', requests = 1): TokenUsageCount => ({
    tokenId: 'tok_a',
    day: '2026-05-01',
    scope,
    ip,
    requests,
    lastAt: AT,
  });

  it('suggests a write alone where its read was used too, and lists unused scopes in catalogue order', () => {
    const report = summarize(
      [count('tokens:read'), count('tokens:write'), count('projects:read', '198.51.100.1', 5)],
      ['billing:read', 'projects:write', 'tokens:write', 'tokens:read'],
      30,
    );
    expect(report).toMatchObject({
      requests: 7,
      scopesUsed: ['tokens:read', 'tokens:write', 'projects:read'],
      unusedScopes: ['projects:write', 'billing:read'],
      suggestedScopes: ['tokens:write', 'projects:read'],
      ips: [
        { ip: '198.51.100.1', requests: 5 },
        { ip: '203.0.113.5', requests: 2 },
      ],
    });
  });
});
