// The backend plugin's layer rules (.dependency-cruiser.cjs, `yarn
// lint:deps`) refuse a wrong import by name: run on a fixture plugin whose
// store imports a type from above it, dependency-cruiser fails naming the
// rule, and lets the imports that point down pass.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'scripts/__fixtures__/dependency-rules');
const depcruise = join(
  root,
  'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs',
);
const SRC = 'plugins/docuchat-backend/src';

/** Runs the rules on the fixture; its exit code and output. */
async function cruise(outputType) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        depcruise,
        '--config',
        join(root, '.dependency-cruiser.cjs'),
        '--output-type',
        outputType,
        SRC,
      ],
      { cwd: fixture },
    );
    return { code: 0, stdout };
  } catch (error) {
    return { code: error.code, stdout: error.stdout };
  }
}

test('a store importing from above fails, naming the rule', async () => {
  // The JSON report always exits 0; the violations are in it.
  const { stdout } = await cruise('json');
  const violations = JSON.parse(stdout).summary.violations.map(v => ({
    rule: v.rule.name,
    from: v.from,
    to: v.to,
  }));
  assert.deepEqual(violations, [
    {
      rule: 'bottom-imports-no-other-folder',
      from: `${SRC}/database/InvoiceStore.ts`,
      to: `${SRC}/usage/UsagePricing.ts`,
    },
  ]);
});

test('the message a developer reads names the rule and says why', async () => {
  const { code, stdout } = await cruise('err-long');
  assert.notEqual(code, 0);
  assert.match(
    stdout,
    /error bottom-imports-no-other-folder: plugins\/docuchat-backend\/src\/database\/InvoiceStore\.ts → plugins\/docuchat-backend\/src\/usage\/UsagePricing\.ts/,
  );
  // The reporter wraps the rule's comment; read it as one line.
  assert.match(
    stdout.replace(/\s+/g, ' '),
    /a store takes rows in and gives rows out/,
  );
});
