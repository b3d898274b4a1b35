#!/usr/bin/env node
// Sums the JSON reports of every test runner given on the command line
// (Jest's --json shape: numPassedTests, numFailedTests) and prints the one
// line CI reads: `Tests: N passed, N failed`. A missing or unreadable report
// counts as a failure, so a runner that crashed cannot look green.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
  } catch (error) {
    console.error(`test-totals: cannot read ${file}: ${error.message}`);
    failed += 1;
  }
}
if (process.argv.length <= 2) {
  console.error('test-totals: no report given');
  failed += 1;
}
console.log(`Tests: ${passed} passed, ${failed} failed`);
