import 'reflect-metadata';
import { ConfigError } from '@mediaflow/config';
import { startAllInOne, type RunningAllInOne } from './all-in-one';
import { startedBanner } from './banner';

/**
 * `pnpm start`. The first Ctrl-C (or SIGTERM) stops taking work and lets the
 * tasks under way finish; a second stops at once: what was under way is
 * delivered again at the next start, since the work queues are durable.
 */
async function main(): Promise<void> {
  let running: RunningAllInOne;
  try {
    running = await startAllInOne(process.env);
  } catch (error) {
    const message =
      error instanceof ConfigError
        ? error.message
        : `cannot start: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`mediaflow: ${message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${startedBanner(running)}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) {
      process.stderr.write(
        'Stopping now; the tasks that were under way will run again at the next start.\n',
      );
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(
      'Stopping: letting the tasks under way finish (Ctrl-C again to stop at once).\n',
    );
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `mediaflow: stopping failed: ${(error as Error)?.message ?? String(error)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
