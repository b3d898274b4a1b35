// CI keeps only the end of the log: the total line must come with the names
// of the tests that failed, from Jest's report and from node:test's
// (scripts/node-test-report.mjs), and a suite that could not run must count.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { test } from 'node:test';
import assert from 'node:assert/strict';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = promisify(execFile);

function withoutTestContext() {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

test('the total names every failed test and suite above the total line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'test-totals-'));
  try {
    await writeFile(
      join(dir, 'cases.test.mjs'),
      [
        "import { test } from 'node:test';",
        "test('passes', () => {});",
        "test('fails on purpose', () => { throw new Error('no'); });",
      ].join('\n'),
    );
    const nodeReport = join(dir, 'node.json');
    await run(
      process.execPath,
      [
        '--test',
        '--test-reporter=./scripts/node-test-report.mjs',
        `--test-reporter-destination=${nodeReport}`,
        join(dir, 'cases.test.mjs'),
      ],
      // Without the parent's NODE_TEST_CONTEXT: a child runner that sees it
      // reports to this runner instead of to its own reporter.
      { cwd: root, env: withoutTestContext() },
    ).catch(() => undefined); // exits 1: one test fails
    const jestReport = join(dir, 'jest.json');
    await writeFile(
      jestReport,
      JSON.stringify({
        numPassedTests: 2,
        numFailedTests: 1,
        numRuntimeErrorTestSuites: 1,
        testResults: [
          {
            name: join(root, 'plugins/p/src/a.test.ts'),
            status: 'failed',
            message: '',
            assertionResults: [
              { status: 'passed', fullName: 'A works' },
              { status: 'failed', fullName: 'A \u001b[1mbreaks\u001b[22m' },
            ],
          },
          {
            name: join(root, 'plugins/p/src/b.test.ts'),
            status: 'failed',
            message: '  ● Test suite failed to run\n\n    Cannot find module x',
            assertionResults: [],
          },
        ],
      }),
    );

    const { stdout } = await run(
      process.execPath,
      ['scripts/test-totals.mjs', jestReport, nodeReport],
      { cwd: root },
    );
    const lines = stdout.trim().split('\n');
    assert.equal(lines.at(-1), 'Tests: 3 passed, 3 failed');
    assert.deepEqual(
      lines.slice(0, -1).sort(),
      [
        `failed: ${relative(
          root,
          join(dir, 'cases.test.mjs'),
        )}: fails on purpose`,
        'failed: plugins/p/src/a.test.ts: A breaks',
        'failed: plugins/p/src/b.test.ts: the suite failed to run: Cannot find module x',
      ].sort(),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
