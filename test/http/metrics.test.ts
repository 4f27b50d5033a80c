import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestPlatform,
  createToken,
  signUpAndSignIn,
  type TestPlatform,
} from '../support/harness.js';
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

  it('counts every verification once, by result, and times each in the histogram', async () => {
    const user = await signUpAndSignIn(platform.app);
    const { token: value } = await createToken(platform.app, user);
    const scrape = async () => {
      const body = (await platform.app.inject({ method: 'GET', url: '/metrics' })).body;
      const sample = (name: string) =>
        Number(
          body
            .split('\n')
            .find((line) => line.startsWith(`${name} `))
            ?.split(' ')
            .at(-1),
        );
      return {
        valid: sample('skytells_token_verifications_total{result="valid"}'),
        invalid: sample('skytells_token_verifications_total{result="invalid"}'),
        malformed: sample('skytells_token_verifications_total{result="malformed"}'),
        timed: sample('skytells_token_verification_duration_seconds_count'),
        everything: sample('skytells_token_verification_duration_seconds_bucket{le="+Inf"}'),
        within50ms: sample('skytells_token_verification_duration_seconds_bucket{le="0.05"}'),
      };
    };
    const before = await scrape();
    for (let i = 0; i < 3; i++) {
      await platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(value) });
    }
    for (let i = 0; i < 2; i++) {
      await platform.app.inject({ method: 'GET', url: '/v1/tokens/self', headers: bearer(unissuedToken()) });
    }
    const after = await scrape();
    // A second scrape with nothing in between adds nothing: what a scrape takes over is counted once.
    const again = await scrape();

    expect(after.valid - before.valid).toBe(3);
    expect(after.invalid - before.invalid).toBe(2);
    expect(after.malformed - before.malformed).toBe(0);
    expect(after.timed - before.timed).toBe(5);
    expect(after.everything).toBe(after.timed);
    expect(after.within50ms).toBeLessThanOrEqual(after.timed);
    expect(after.within50ms).toBeGreaterThan(before.within50ms);
    expect(again).toEqual(after);
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
