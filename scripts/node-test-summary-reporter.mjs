// A node:test reporter that writes the package's counts as JSON, like
// jest-summary-reporter.js does for Jest, for the closing line of `pnpm test`.
// node opens the destination before the reporter runs: the folder must exist.
import path from 'node:path';

export default async function* summaryReporter(source) {
  const counts = { package: path.basename(process.cwd()), passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    // Only leaf tests count; suites report as tests too, with children.
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip || event.data.todo) counts.skipped++;
    else if (event.type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  yield JSON.stringify(counts) + '\n';
}
