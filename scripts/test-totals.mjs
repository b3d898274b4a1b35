#!/usr/bin/env node
// Sums the JSON reports of every test runner given on the command line
// (Jest's --json shape: numPassedTests, numFailedTests) and prints the one
// line CI reads: `Tests: N passed, N failed`. A missing or unreadable report
// counts as a failure, so a runner that crashed cannot look green. The failed
// tests are named just above that line: CI keeps only the end of the log, and
// a failure far up in it would otherwise be a bare count.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/** Names of the failed tests in one report (Jest's or ours). */
function failedNames(report) {
  if (Array.isArray(report.failedTests)) return report.failedTests;
  const names = [];
  for (const suite of report.testResults ?? []) {
    const file = relative(process.cwd(), suite.name ?? '');
    const failedAssertions = (suite.assertionResults ?? []).filter(
      a => a.status === 'failed',
    );
    for (const assertion of failedAssertions) {
      names.push(`${file}: ${assertion.fullName}`);
    }
    // A suite that failed without a failed test did not run (it threw).
    if (suite.status === 'failed' && failedAssertions.length === 0) {
      const firstLine = String(suite.message ?? '')
        .split('\n')
        .map(line => line.trim())
        .find(
          line => line !== '' && !line.includes('Test suite failed to run'),
        );
      names.push(`${file}: the suite failed to run: ${firstLine ?? ''}`);
    }
  }
  return names;
}

let passed = 0;
let failed = 0;
const failures = [];
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
    failures.push(...failedNames(report));
  } catch (error) {
    console.error(`test-totals: cannot read ${file}: ${error.message}`);
    failed += 1;
  }
}
if (process.argv.length <= 2) {
  console.error('test-totals: no report given');
  failed += 1;
}
for (const name of failures) {
  // eslint-disable-next-line no-control-regex
  console.log(`failed: ${name.replace(/\u001b\[[0-9;]*m/g, '')}`);
}
console.log(`Tests: ${passed} passed, ${failed} failed`);
