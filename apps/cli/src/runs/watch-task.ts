import type { TaskObject } from '@mediaflow/contracts';
import type { Mediaflow } from '@mediaflow/sdk';
import { WorkFailedError } from '../cli-errors';
import { EXIT, exitCodeForTask } from '../exit-codes';
import { runSummaryLine } from '../output/describe';
import type { Output } from '../output/output';
import { runDisplay } from './progress-display';
import { mergeTaskUpdate } from './step-progress';

/** Ctrl-C while watching: the task goes on on the server; the command stops with 130. */
export class WatchInterrupted extends WorkFailedError {}

/**
 * Follows a task to its end (the SDK's `tasks.wait`, on the task's event
 * stream), showing each step as it moves, and answers the final task with
 * its whole tree. A failed task is answered, not thrown: the caller decides
 * the exit status.
 */
export async function watchTask(mf: Mediaflow, taskId: string, out: Output): Promise<TaskObject> {
  const display = runDisplay(out.progress, out.interactive);
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  let tree = await mf.tasks.get(taskId);
  display.update(tree);
  try {
    const final = await mf.tasks.wait(taskId, {
      signal: controller.signal,
      // `event.data` is the task or step that just changed, as it is now (with the steps
      // below it); `task` is the run as its own last event showed it, older than its steps'
      // events since: used only when it comes without an event, read again after a cut.
      onProgress: (task: TaskObject, event?: { data: TaskObject }) => {
        tree = mergeTaskUpdate(tree, event ? event.data : task);
        display.update(tree);
      },
    });
    // A run answered without its steps is read again whole: the display and --out need them.
    tree = final.kind === 'workflow' && !final.workflow ? await mf.tasks.get(taskId) : final;
    display.update(tree);
    return tree;
  } catch (error) {
    if (controller.signal.aborted) {
      throw new WatchInterrupted(
        `stopped watching; ${taskId} goes on (mediaflow tasks watch ${taskId})`,
      );
    }
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
    display.stop();
  }
}

/**
 * The end of a followed task: printed (the run with `--json`, its summary
 * line otherwise), then, when it failed or was cancelled, the failure that
 * makes the exit status 1.
 */
export function reportEnded(out: Output, task: TaskObject): void {
  out.result(task, runSummaryLine(task));
  if (exitCodeForTask(task) === EXIT.ok) return;
  const why = task.error ? `: ${task.error.message} (${task.error.code})` : '';
  throw new WorkFailedError(
    `${task.kind === 'workflow' ? 'run' : 'task'} ${task.id} ${task.status}${why}`,
    task,
  );
}
