/**
 * A worker process for worker-drain.integration.spec.ts and
 * scratch-dirs.integration.spec.ts: the real startWorker, SIGTERM handling
 * and all, with an image handler that writes a file in its work directory
 * and takes DRAIN_WORKER_TASK_MS per task. It appends to
 * DRAIN_WORKER_RECORD one line per thing whose order the test checks:
 * `ready` once it takes work, `sigterm`, and `start <task id>` /
 * `end <task id>` around each task.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '@mediaflow/config';
import { runService } from '@mediaflow/service-kit';
import { startWorker } from '../start-worker';
import { workerConfigSchema } from '../worker-config';

const SERVICE = 'drain-worker';
const recordPath = process.env.DRAIN_WORKER_RECORD!;
const taskMs = Number(process.env.DRAIN_WORKER_TASK_MS ?? 1_500);

// Synchronous, so that a line is on disk before whatever the process does next.
const record = (line: string) => appendFileSync(recordPath, `${line}\n`);

// Registered before Nest's own listener (which drains, then exits), so it runs first:
// everything recorded after this line happened after the signal.
process.on('SIGTERM', () => record('sigterm'));

runService(SERVICE, async () => {
  await startWorker({
    service: SERVICE,
    config: loadConfig(workerConfigSchema(3_000)),
    handlers: {
      image: async ({ task, workDir }) => {
        // Something in the work directory, as a real attempt has (its input, a half-made output).
        writeFileSync(path.join(workDir, 'partial-output'), 'half made');
        record(`start ${task.task_id}`);
        await sleep(taskMs);
        record(`end ${task.task_id}`);
        return { data: { pid: process.pid } };
      },
    },
  });
  record('ready');
});
