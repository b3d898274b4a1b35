// A node:test reporter that writes the counts CI totals (the same fields as
// Jest's --json report): numPassedTests, numFailedTests, and the failed
// tests' names (failedTests) so the total can say which ones failed.
import { relative } from 'node:path';

export default async function* report(source) {
  let passed = 0;
  let failed = 0;
  const failedTests = [];
  for await (const event of source) {
    // Only leaf tests count; suites report their own pass/fail too.
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite') {
      passed += 1;
    }
    if (event.type === 'test:fail' && event.data.details?.type !== 'suite') {
      failed += 1;
      const where = event.data.file
        ? `${relative(process.cwd(), event.data.file)}: `
        : '';
      failedTests.push(`${where}${event.data.name}`);
    }
  }
  yield `${JSON.stringify({
    numPassedTests: passed,
    numFailedTests: failed,
    failedTests,
  })}\n`;
}
