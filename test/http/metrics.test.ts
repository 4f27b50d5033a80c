import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../support/harness.js';
import { unissuedToken } from '../support/http.js';

/** `promtool` (Debian package `prometheus`) is on PATH. */
const HAS_PROMTOOL = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).error === undefined;

/** Every `# TYPE name type` line of a Prometheus text exposition, as [name, type]. */
function typesOf(exposition: string): [string, string][] {
  return [...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]);
}

describe('GET /metrics', () => {
  let platform: TestPlatform;
  let exposition: string;
  beforeAll(async () => {
    platform = await createTestPlatform();
    // One verification, so the histogram and counter have observations to show.
    await platform.app.inject({
      method: 'GET',
      url: '/v1/tokens',
      headers: { authorization: `Bearer ${unissuedToken()}` },
    });
    exposition = (await platform.app.inject({ method: 'GET', url: '/metrics' })).body;
  });
  afterAll(async () => platform.close());

  it('names no gauge with the _total suffix that marks a counter', () => {
    const types = typesOf(exposition);
    expect(types.length).toBeGreaterThan(10);
    expect(types.filter(([name, type]) => type !== 'counter' && name.endsWith('_total'))).toEqual([]);
  });

  it('exports the process and Node.js metrics under their standard names', () => {
    const names = new Map(typesOf(exposition));
    expect(names.get('process_cpu_seconds_total')).toBe('counter');
    expect(names.get('process_resident_memory_bytes')).toBe('gauge');
    expect(names.get('process_start_time_seconds')).toBe('gauge');
    expect(names.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
    expect(names.get('nodejs_active_handles')).toBe('gauge');
    expect([...names.keys()].filter((name) => /^skytells_(process|nodejs)_/.test(name))).toEqual([]);
    expect(names.get('skytells_token_verifications_total')).toBe('counter');
    expect(names.get('skytells_token_verification_duration_seconds')).toBe('histogram');
  });

  if (HAS_PROMTOOL) {
    it('passes promtool check metrics', () => {
      const check = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
      expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({
        status: 0,
        output: '',
      });
    });
  } else {
    it.skip('passes promtool check metrics (promtool is not on PATH: install the Debian package prometheus)', () => {
      // Runs where promtool is installed, as in CI.
    });
  }
});
