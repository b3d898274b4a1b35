/*
 * `yarn soak`: see USAGE in options.ts and the package README. Exits 1 on
 * any invariant breach (or when the run itself fails), 0 otherwise.
 */
import { parseOptions } from './options';
import { runSoak } from './soak';

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const result = await runSoak(options);
  process.stdout.write(`\n${result.report}\n`);
  process.stdout.write(
    `\nsoak: ${result.breaches} breaches, seed ${options.seed}, ${(
      (Date.now() - started) /
      1000
    ).toFixed(0)} s wall clock\n`,
  );
  process.exit(result.breaches === 0 ? 0 : 1);
}

main().catch(error => {
  process.stderr.write(`soak failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
