import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { taskKindsMarkdown } from './task-kinds-markdown';

/** `pnpm --filter @mediaflow/contracts docs`: rewrites docs/task-kinds.md. */
export const TASK_KINDS_DOC = path.resolve(__dirname, '../../../../docs/task-kinds.md');

if (require.main === module) {
  writeFileSync(TASK_KINDS_DOC, taskKindsMarkdown());
  process.stdout.write(`wrote ${TASK_KINDS_DOC}\n`);
}
