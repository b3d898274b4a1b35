// A node:test reporter that writes the counts CI totals (the same fields as
// Jest's --json report): numPassedTests, numFailedTests.
export default async function* report(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    // Only leaf tests count; suites report their own pass/fail too.
    if (event.type === 'test:pass' && event.data.details?.type !== 'suite') {
      passed += 1;
    }
    if (event.type === 'test:fail' && event.data.details?.type !== 'suite') {
      failed += 1;
    }
  }
  yield `${JSON.stringify({
    numPassedTests: passed,
    numFailedTests: failed,
  })}\n`;
}
