/**
 * Runs a benchmark's `main` and ends the process with its verdict: 0 when
 * every sample was good, 1 when `main` threw or returned problems (an
 * errored request, a wrong row count, a missed check). An errored sample is
 * a failure, never a dash in a table, so CI's small run
 * (`BENCH_SCALE=0.02`) catches a benchmark that no longer measures.
 *
 * The exit is explicit: a Backstage backend started in the process (as
 * bench:ask does) adds a `beforeExit` handler that calls `process.exit(0)`,
 * which would hide `process.exitCode = 1`.
 */
export function runBench(
  name: string,
  main: () => Promise<string[] | void>,
): void {
  main().then(
    problems => {
      if (problems && problems.length > 0) {
        process.stderr.write(
          `\n${name} FAILED:\n${problems.map(p => `  - ${p}`).join('\n')}\n`,
        );
        process.exit(1);
      }
      process.exit(0);
    },
    error => {
      process.stderr.write(`\n${name} FAILED: ${error?.stack ?? error}\n`);
      process.exit(1);
    },
  );
}
