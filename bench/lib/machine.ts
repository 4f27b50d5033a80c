import { cpus, loadavg, totalmem } from 'node:os';
import { markdownTable, mib } from './markdown.js';

/** Environment variables that change what a benchmark does, as they were set for this run. */
function knobs(): string[] {
  return Object.entries(process.env)
    .filter(([key]) => /^(BENCH_|TOKEN_COUNT$)/.test(key) && key !== 'BENCH_DATABASE_URL')
    .map(([key, value]) => `${key}=${value}`)
    .sort();
}

/** The command that reproduces this run; a database URL is named, never shown (it may hold a password). */
export function commandLine(name: string): string {
  const database = ['TEST_DATABASE_URL', 'BENCH_DATABASE_URL']
    .filter((key) => process.env[key] !== undefined)
    .map((key) => `${key}=…`);
  return [...database, ...knobs(), `npm run bench -- ${name}`].join(' ');
}

const loadNow = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/**
 * Prints the heading of one benchmark's report with the machine it runs on, and returns a function
 * that prints the load average at its end: a shared machine's figures mean little without it.
 */
export function reportStart(title: string, name: string, description: string): () => void {
  const cores = cpus();
  const start = { at: new Date(), load: loadNow() };
  console.log(`\n## ${title}\n\n${description}\n`);
  console.log(
    markdownTable(
      ['machine', ''],
      [
        ['CPU', `${cores[0]?.model.trim() ?? 'unknown'}, ${cores.length} cores`],
        ['memory', mib(totalmem())],
        ['Node.js', process.version],
        ['date (UTC)', start.at.toISOString().replace('T', ' ').slice(0, 19)],
        ['command', `\`${commandLine(name)}\``],
        ['load average at start (1, 5, 15 min)', start.load],
      ],
    ),
  );
  console.log('');
  return () => {
    const seconds = Math.round((Date.now() - start.at.getTime()) / 1000);
    console.log(`\nLoad average at the end (1, 5, 15 min): ${loadNow()}; the run took ${seconds} s.`);
  };
}

/** The PostgreSQL URL to benchmark on, if one is set. */
export function postgresUrl(): string | undefined {
  return process.env['BENCH_DATABASE_URL'] ?? process.env['TEST_DATABASE_URL'];
}

/** Says plainly that a PostgreSQL part is skipped. */
export function postgresSkipped(what: string): void {
  console.log(
    `\n**Skipped: ${what}** (set TEST_DATABASE_URL or BENCH_DATABASE_URL to a PostgreSQL database).`,
  );
}

/** A number from the environment, or `fallback`. */
export function knob(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, not "${raw}"`);
  return value;
}
