/*
 * `yarn monitoring:generate`: writes the rules, their promtool tests and the
 * dashboards (and the chart's copies) from the TypeScript in this package.
 */
import { mkdir, writeFile } from 'fs/promises';
import { dirname, join } from 'path';
import { generatedFiles } from './generate';
import { REPOSITORY_ROOT } from './repositoryRoot';
import { settingsFromEnv } from './settings';

async function main() {
  const files = generatedFiles(settingsFromEnv());
  for (const [path, text] of Object.entries(files)) {
    const target = join(REPOSITORY_ROOT, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
