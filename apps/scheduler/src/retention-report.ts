// `node dist/retention-report.js [--json]`: what retention would remove now, removing nothing (docs/retention.md).
import { retentionReportCommand } from './retention/retention-report-command';

void retentionReportCommand({ args: process.argv.slice(2) }).then((status) => process.exit(status));
