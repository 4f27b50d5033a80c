import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the benchmarks one after another, each in a process of its own: all of them, or those named
 * as arguments (`npm run bench -- scale storm`) or in BENCH_ONLY (comma-separated). See bench/README.md.
 */
const BENCHMARKS = [
  'verification',
  'instructions',
  'scale',
  'create',
  'propagation',
  'storm',
  'gateway',
] as const;
const named = [...process.argv.slice(2), ...(process.env['BENCH_ONLY'] ?? '').split(',')]
  .map((name) => name.trim())
  .filter((name) => name !== '');
const unknown = named.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`No benchmark named ${unknown.join(', ')}; there are: ${BENCHMARKS.join(', ')}.`);
  process.exit(2);
}
const chosen = named.length > 0 ? BENCHMARKS.filter((name) => named.includes(name)) : BENCHMARKS;

let failed = 0;
for (const name of chosen) {
  const file = fileURLToPath(new URL(`${name}.bench.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code === 2) process.exit(2); // wrk is missing: every other benchmark would say the same
  if (code !== 0) {
    failed++;
    console.error(`\nThe ${name} benchmark failed (exit ${code}).`);
  }
}
process.exit(failed > 0 ? 1 : 0);
