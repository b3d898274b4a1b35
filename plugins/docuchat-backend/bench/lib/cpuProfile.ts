import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * With BENCH_CPU_PROFILE=<file>, records a V8 CPU profile of this process's
 * main thread while `fn` runs and writes it to <file> (with `suffix` before
 * its extension; open it in Chrome's DevTools, Performance tab); otherwise
 * just runs `fn`. The profiler samples wall time: on busy cores it also
 * counts time the thread waited for a core.
 */
export async function withCpuProfile<T>(
  fn: () => Promise<T>,
  suffix = '',
): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE?.replace(
    /(\.cpuprofile)?$/,
    `${suffix}.cpuprofile`,
  );
  if (!file) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
