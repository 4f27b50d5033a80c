import { writeFileSync } from 'node:fs';

/**
 * For finding hot spots in a benchmark server: with BENCH_PROFILE=/tmp/x.cpuprofile set, the parent
 * sends 'start' and 'stop'; the CPU profile of what happened between them is written to that file
 * (open it in Chrome DevTools' Performance panel).
 */
export async function profileOnRequest(): Promise<void> {
  const profileFile = process.env['BENCH_PROFILE'];
  if (profileFile === undefined) return;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  process.on('message', (message) => {
    if (message === 'start') void session.post('Profiler.start').then(() => process.send?.('started'));
    if (message === 'stop') {
      void session.post('Profiler.stop').then(({ profile }) => {
        writeFileSync(profileFile, JSON.stringify(profile));
        process.send?.('stopped');
      });
    }
  });
}
