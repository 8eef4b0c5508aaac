import {
  ID_PREFIX,
  MediaflowError,
  type Automation,
  isFinalStatus,
  newId,
  notFound,
  type ProducedFile,
  type TaskDispatch,
  type TaskError,
  type TaskEvent,
  type TaskRecord,
  type TaskResult,
} from '@mediaflow/contracts';
import { attemptPrefix, type Storage } from '@mediaflow/storage';
import {
  cancelRun,
  cancelSubtree,
  completeStep,
  failStep,
  resumeRun,
  skipUnfinished,
  startRun,
  type Advance,
} from '@mediaflow/workflow';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { TASK_RETRY_BACKOFF, backoffMs } from '../backoff';
import type { SchedulerConfig } from '../config';
import { SchedulerStore, type Repositories } from '../database/scheduler-store';
import { creationEvents, keepEvents, runEvents } from '../events/run-events';
import type { FileIndex } from '../files/file-index';
import type { FileRow } from '../files/file-row';
import { fileEvent } from '../files/file-events';
import { toStepFile } from '../files/stored-file';
import { SCHEDULER_CONFIG, STORAGE } from '../scheduler-tokens';
import { isRoot, type TaskRow } from '../tasks/task-row';
import { IDEMPOTENCY_INDEX } from '../tasks/tasks.repository';
import { isUniqueViolation } from '../database/sql';
import { buildTaskTree } from '../tasks/task-tree';
import { TriggerLookup } from '../triggers/trigger-lookup';
import { triggeredRuns } from '../triggers/triggered-runs';
import { WebhookSender } from '../webhooks/webhook-sender.service';
import { DispatchPublisher } from './dispatch-publisher';
import { CANCELLED_ERROR, applyAdvance, type AdvanceOptions } from './run-advancer';
import {
  loadFiles,
  loadRun,
  lockRun,
  lockRunOf,
  readTaskTree,
  withChanges,
  type LoadedRun,
} from './run-loader';
import {
  planIngestRow,
  planRunRows,
  type CreationLimits,
  type IngestRequest,
  type RunRequest,
} from './run-plan';
import { planRetry, type RetryRequest } from './run-retry';
import { toRunSteps } from './run-rows';
import { changedTasks, type ChangedTasks } from './task-changes';
import { buildTaskDispatch } from './task-dispatch';
import { workerTimeLimits, type WorkerTimeLimits } from './task-time-limit';

type Completed = Extract<TaskEvent, { type: 'completed' }>;

/** What a transaction decided that the broker (and storage) must hear once it has committed. */
interface Decided {
  dispatches: TaskDispatch[];
  /** The attempts cancelled, for the workers running them to stop. */
  cancels?: Array<{ id: string; attempt: number }>;
  /** Staged uploads whose ingest has ended: their bytes are stored (or refused) for good. */
  staged?: string[];
  /** Webhook deliveries of the runs and tasks that ended. */
  deliveries?: string[];
  /** The tasks whose state it changed, for whoever follows them (SSE, `Prefer: wait`). */
  changed?: ChangedTasks | undefined;
  /** Runs a stored file's triggers started in the same transaction: each announced as its own decision. */
  triggered?: Decided[];
}

const NOTHING: Decided = { dispatches: [] };

/**
 * Runs and their tasks through their lives: created, dispatched, advanced on
 * what workers report, retried, failed, cancelled. Each change is one
 * transaction under the run's lock; the broker hears of it after commit.
 */
@Injectable()
export class RunsService {
  private readonly logger = new Logger(RunsService.name);
  /** Each worker's task time limit: what a step's input may need at most. */
  private readonly limits: WorkerTimeLimits;

  constructor(
    private readonly store: SchedulerStore,
    private readonly publisher: DispatchPublisher,
    private readonly webhooks: WebhookSender,
    private readonly triggers: TriggerLookup,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
    @Inject(STORAGE) private readonly storage: Storage,
  ) {
    this.limits = workerTimeLimits(config);
  }

  /**
   * Writes the run's tasks and starts it: its ingest, or with a stored file
   * its first steps. With an idempotency claim, once: a second request with
   * it gets the run the first one made.
   */
  create(request: RunRequest): Promise<TaskRecord> {
    return this.once(request.projectId, request.idempotencyKey, () => this.createRun(request));
  }

  private async createRun(request: RunRequest): Promise<TaskRecord> {
    const { decided, record } = await this.store.transaction(async (repos) => {
      await refuseOverRunsInFlight(repos, request);
      return this.createRunIn(repos, request);
    });
    await this.announce(decided);
    return record;
  }

  /** A new run's rows, and its start, in the caller's transaction. */
  private async createRunIn(
    repos: Repositories,
    request: RunRequest,
  ): Promise<{ decided: Decided; record: TaskRecord }> {
    const source =
      'file_id' in request.source
        ? await repos.files.findInProject(request.projectId, request.source.file_id)
        : undefined;
    if ('file_id' in request.source && !source) {
      throw notFound('file', request.source.file_id);
    }
    const plan = planRunRows(
      request,
      () => newId(ID_PREFIX.task),
      this.config.MEDIAFLOW_TASK_MAX_ATTEMPTS,
    );
    await repos.tasks.insert([plan.root, ...plan.steps, ...(plan.ingest ? [plan.ingest] : [])]);
    if (request.idempotencyKey)
      await repos.tasks.claimIdempotencyKey(plan.root.id, request.idempotencyKey);
    const run = await this.locked(repos, plan.root.id);

    if (run.ingest) {
      const ingest = await repos.tasks.dispatchReady(run.ingest.id, 'waiting', null);
      if (!ingest) throw new Error(`ingest ${run.ingest.id} of a new run could not be dispatched`);
      const now = await loadRun(repos, run.root.id);
      const created = now.rows.map((row) => row.id);
      return {
        decided: {
          dispatches: [buildTaskDispatch(ingest, undefined)],
          changed: changedTasks(run.root, created, {
            created: true,
            events: await keepEvents(repos, now, creationEvents(now, created)),
          }),
        },
        record: buildTaskTree(run.root.id, now.rows, now.files),
      };
    }
    const before = toRunSteps(run, run.files);
    const applied = await applyAdvance(
      repos,
      run,
      before,
      startRun(before, toStepFile(source!), { standalone: run.root.kind !== 'workflow' }),
      {
        limits: this.limits,
        created: true,
      },
    );
    return {
      decided: applied,
      record: buildTaskTree(run.root.id, applied.run.rows, applied.run.files),
    };
  }

  /**
   * A standalone ingest (POST /files): one row, a root of its own, dispatched
   * at once. Its output is the stored file, on which the project's triggers
   * start their runs when it completes.
   */
  createIngest(request: IngestRequest): Promise<TaskRecord> {
    const staged = 'staged_key' in request.source ? request.source.staged_key : null;
    return this.once(
      request.projectId,
      request.idempotencyKey,
      () => this.createStandaloneIngest(request),
      // The retry staged its bytes again: the ingest made the first time has its own.
      async (made) => {
        if (staged && made.source_key !== staged) await this.discardStaged(staged);
      },
    );
  }

  private async createStandaloneIngest(request: IngestRequest): Promise<TaskRecord> {
    const { decided, record } = await this.store.transaction(async (repos) => {
      await refuseOverRunsInFlight(repos, request);
      const row = planIngestRow(
        request,
        newId(ID_PREFIX.task),
        this.config.MEDIAFLOW_TASK_MAX_ATTEMPTS,
      );
      await repos.tasks.insert([row]);
      if (request.idempotencyKey)
        await repos.tasks.claimIdempotencyKey(row.id, request.idempotencyKey);
      await this.locked(repos, row.id);
      const ingest = await repos.tasks.dispatchReady(row.id, 'waiting', null);
      if (!ingest) throw new Error(`ingest ${row.id} could not be dispatched`);
      const now = await loadRun(repos, row.id);
      return {
        decided: {
          dispatches: [buildTaskDispatch(ingest, undefined)],
          changed: changedTasks(row, [row.id], {
            created: true,
            events: await keepEvents(repos, now, creationEvents(now, [row.id])),
          }),
        },
        record: buildTaskTree(row.id, now.rows, now.files),
      };
    });
    await this.announce(decided);
    return record;
  }

  /**
   * Under the run's lock like every status change, so that a cancel deciding
   * on `pending` meets no `processing`. One row changes and no step is
   * decided, so the run is locked but not loaded.
   */
  async started(taskId: string, attempt: number): Promise<void> {
    const changed = await this.store.transaction(async (repos) => {
      const root = await repos.tasks.lockRunOf(taskId);
      const started = root && (await repos.tasks.markStarted(taskId, attempt));
      if (!root || !started) return undefined;
      // The event's data is the task with its subtree: a task alone is its own run.
      const run =
        started.id === root.id
          ? { root, rows: [started], files: await loadFiles(repos, [started]) }
          : await loadRun(repos, root.id);
      return changedTasks(root, [taskId], {
        statuses: { [taskId]: 'processing' },
        events: await keepEvents(repos, run, runEvents(run, [taskId])),
      });
    });
    await this.announce({ dispatches: [], changed });
  }

  /**
   * Changes no status: progress only grows, and only for the attempt
   * awaited. One statement, no transaction: a step's report moves its run's
   * progress with it.
   */
  async progress(taskId: string, attempt: number, progress: number): Promise<void> {
    const task = await this.store.autocommit((repos) =>
      repos.tasks.recordProgress(taskId, attempt, progress),
    );
    if (!task) return;
    const root = { id: task.run_id, project_id: task.project_id };
    const changed = task.run_moved ? [taskId, task.run_id] : [taskId];
    await this.announce({ dispatches: [], changed: changedTasks(root, changed) });
  }

  /**
   * An attempt's result: its files recorded (once), the step completed, the
   * steps after it made ready. The ingest's result is the run's source, on
   * which the run starts; a standalone ingest's is a stored file, whose
   * triggers start their runs in the same transaction.
   */
  async complete(event: Completed): Promise<void> {
    const { task_id: taskId, attempt, result } = event;
    // Asked before the transaction, so that no lock waits on the registry.
    const automations = event.kind === 'ingest' ? await this.triggerCandidates(taskId) : undefined;
    let unrecorded: TaskRow | undefined;
    const decided = await this.store.transaction(async (repos) => {
      const found = await this.awaiting(repos, taskId, attempt);
      if (!found?.waiting) {
        unrecorded = found?.task;
        return NOTHING;
      }
      const { task } = found;
      const produced = producedFiles(result);
      const added = await repos.files.insert(
        produced.map((file) => ({
          ...file,
          project_id: task.project_id,
          task_id: task.id,
          ref: task.ref,
        })),
      );
      const recorded = await repos.tasks.recordResult(
        taskId,
        attempt,
        task.kind === 'ingest' ? null : (result.data ?? null),
      );
      if (!recorded) throw new Error(`task ${taskId} changed under the run's lock`);
      // As a reload would read it; a file recorded already (not added again) is only in a reload.
      const run =
        added.length === produced.length
          ? withChanges(found.run, [recorded], added)
          : await loadRun(repos, task.run_id);
      const before = toRunSteps(run, run.files);
      const output = result.file ? run.files.get(result.file.id) : undefined;

      if (task.kind !== 'ingest') {
        return applyAdvance(
          repos,
          run,
          before,
          completeStep(before, taskId, output ? toStepFile(output) : null),
          { limits: this.limits },
        );
      }
      if (!output) {
        return this.sourceFailed(repos, run, task, {
          code: 'internal',
          message: 'The ingest finished without a file',
        });
      }
      const ingested = await repos.tasks.updateStep(task.id, task.status, {
        status: 'completed',
        input_file_id: null,
        output_file_id: output.id,
      });
      const started = startRun(before, toStepFile(output), {
        standalone: run.root.kind !== 'workflow',
      });
      const applied = await applyAdvance(repos, run, before, started, {
        limits: this.limits,
        runInput: output.id,
        changed: rowsOf(ingested),
      });
      // A file stored by POST /files is news of its own (a run's source is not: its run is).
      if (isRoot(task)) await repos.events.keep([fileEvent('file.created', output)]);
      const triggered = isRoot(task)
        ? await this.fireTriggers(repos, task, output, automations)
        : [];
      return { ...applied, staged: stagedOf(task), triggered };
    });
    await this.announce(decided);
    if (unrecorded) await this.discardUnrecorded(unrecorded, event);
  }

  /**
   * The triggers of a file whose completion could not ask the registry
   * (the reconciler found it), with the automations it has since had.
   */
  async evaluateTriggers(ingestId: string, automations: readonly Automation[]): Promise<void> {
    const decided = await this.store.transaction(async (repos): Promise<Decided> => {
      const run = await lockRun(repos, ingestId);
      const ingest = run?.root;
      const file = run?.files.get(ingest?.output_file_id ?? null);
      if (!ingest || !file || ingest.kind !== 'ingest' || ingest.status !== 'completed')
        return NOTHING;
      return {
        dispatches: [],
        triggered: await this.fireTriggers(repos, ingest, file, automations),
      };
    });
    await this.announce(decided);
  }

  /**
   * An attempt failed: another attempt after a backoff when the worker says
   * it is worth one and attempts are left, else the step fails (its subtree
   * skipped). A failed ingest fails the whole run.
   */
  async fail(taskId: string, attempt: number, error: TaskError, retryable: boolean): Promise<void> {
    const decided = await this.store.transaction(async (repos) => {
      const found = await this.awaiting(repos, taskId, attempt);
      if (!found?.waiting) return NOTHING;
      if (retryable && attempt < found.task.max_attempts) {
        await repos.tasks.scheduleRetry(
          taskId,
          attempt,
          backoffMs(attempt, TASK_RETRY_BACKOFF),
          error,
        );
        return { dispatches: [], changed: changedTasks(found.run.root, [taskId]) };
      }
      return this.failForGood(repos, found.run, found.task, error);
    });
    await this.announce(decided);
  }

  /** A retry whose backoff is over: its next attempt. */
  async dispatchDueRetry(taskId: string, attempt: number): Promise<void> {
    await this.dispatchAgain(taskId, (repos) => repos.tasks.dispatchDueRetry(taskId, attempt));
  }

  /** A task silent for `stallMs` with attempts left: its next attempt. */
  async redispatchSilent(taskId: string, attempt: number, stallMs: number): Promise<void> {
    await this.dispatchAgain(
      taskId,
      (repos) => repos.tasks.redispatchStalled(taskId, attempt, stallMs),
      (row) =>
        this.logger.warn(
          `${row.kind} task ${row.id} silent for ${stallMs} ms: attempt ${row.attempt} dispatched`,
        ),
    );
  }

  /** A task silent for too long at its last attempt (the reconciler found it): it fails with `timeout`. */
  async timeOut(taskId: string, attempt: number, stallMs: number): Promise<void> {
    const decided = await this.store.transaction(async (repos) => {
      const found = await this.awaiting(repos, taskId, attempt);
      if (!found?.waiting || !(await repos.tasks.isSilent(taskId, attempt, stallMs)))
        return NOTHING;
      const seconds = Math.round(stallMs / 1000);
      return this.failForGood(repos, found.run, found.task, {
        code: 'timeout',
        message: `No word from a worker for ${seconds} s, ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'} made`,
      });
    });
    await this.announce(decided);
  }

  /**
   * Cancels a task and its unfinished subtree; a run (or its ingest) is
   * cancelled whole. Workers running any of them are told to stop.
   */
  async cancel(projectId: string, taskId: string): Promise<TaskRecord> {
    const { decided, record } = await this.store.transaction(async (repos) => {
      const target = await repos.tasks.findInProject(projectId, taskId);
      if (!target) throw notFound('task', taskId);
      const run = await this.locked(repos, target.run_id);
      const task = run.rows.find((row) => row.id === taskId)!;
      if (isFinalStatus(task.status)) {
        throw new MediaflowError(
          'conflict',
          `Task ${taskId} has already ended (${task.status}) and cannot be cancelled`,
        );
      }
      const running = run.rows
        .filter((row) => row.status === 'pending' || row.status === 'processing')
        .map((row) => ({ id: row.id, attempt: row.attempt }));
      const before = toRunSteps(run, run.files);
      let advance: Advance;
      let options: AdvanceOptions = { limits: this.limits };
      let staged: string[] = [];
      if (isRoot(task) || task.kind === 'ingest') {
        let ingest: TaskRow | undefined;
        if (run.ingest && !isFinalStatus(run.ingest.status)) {
          ingest = await repos.tasks.updateStep(run.ingest.id, run.ingest.status, {
            status: 'cancelled',
            input_file_id: null,
            output_file_id: null,
            error: CANCELLED_ERROR,
          });
          staged = stagedOf(run.ingest);
        }
        advance = cancelRun(before);
        options = {
          limits: this.limits,
          end: { status: 'cancelled', error: CANCELLED_ERROR },
          changed: rowsOf(ingest),
        };
      } else {
        advance = cancelSubtree(before, taskId);
      }
      const applied = await applyAdvance(repos, run, before, advance, options);
      const now = applied.run;
      const cancelled = new Set(
        now.rows.filter((row) => row.status === 'cancelled').map((row) => row.id),
      );
      return {
        decided: {
          dispatches: applied.dispatches,
          cancels: running.filter(({ id }) => cancelled.has(id)),
          staged,
          deliveries: applied.deliveries,
          changed: applied.changed,
        },
        record: buildTaskTree(taskId, now.rows, now.files),
      };
    });
    await this.announce(decided);
    return record;
  }

  /**
   * `POST /tasks/:id/retry` (docs/runs.md, Retrying): an ended run runs
   * again what failed or was cancelled, and what was skipped because of it
   * (a step: only its own subtree); a task on its own, or a stored file's
   * ingest, runs again. Completed steps and their outputs stay. Once per
   * idempotency claim, made in the transaction that retries: a second
   * request with it answers the task as it is now.
   */
  async retry(request: RetryRequest): Promise<TaskRecord> {
    const { decided, record } = await this.store.transaction(async (repos) => {
      const target = await repos.tasks.findInProject(request.projectId, request.taskId);
      if (!target) throw notFound('task', request.taskId);
      const run = await this.locked(repos, target.run_id);
      const claimed =
        request.idempotencyKey !== undefined &&
        (await repos.tasks.retryClaimed(request.projectId, request.idempotencyKey));
      if (claimed)
        return { decided: NOTHING, record: buildTaskTree(target.id, run.rows, run.files) };
      const plan = planRetry(run, target);
      await refuseOverRunsInFlight(repos, request);

      const reset = await repos.tasks.resetForRetry(
        plan.reset.map((row) => ({ id: row.id, from: row.status })),
        this.config.MEDIAFLOW_TASK_MAX_ATTEMPTS,
      );
      if (reset.length !== plan.reset.length)
        throw new Error(`run ${run.root.id} changed under its lock`);
      const reopened =
        run.root.kind === 'workflow' ? await repos.tasks.reopenRun(run.root.id) : undefined;
      if (request.idempotencyKey !== undefined)
        await repos.tasks.claimRetry(request.projectId, request.idempotencyKey, target.id);
      const ingest = plan.ingestAgain
        ? await repos.tasks.dispatchReady(plan.ingestAgain.id, 'waiting', null)
        : undefined;
      const changed = [...reset, ...rowsOf(reopened), ...rowsOf(ingest)];
      const now = withChanges(run, changed, []);
      const before = toRunSteps(now, now.files);
      const source = plan.ingestAgain ? undefined : now.files.get(now.root.input_file_id);
      const advance = resumeRun(before, source ? toStepFile(source) : null, {
        standalone: now.root.kind !== 'workflow',
      });
      refuseDeletedInputs(advance, now.files);
      const applied = await applyAdvance(repos, now, before, advance, {
        limits: this.limits,
        changed,
      });
      return {
        decided: {
          ...applied,
          dispatches: [
            ...(ingest ? [buildTaskDispatch(ingest, undefined)] : []),
            ...applied.dispatches,
          ],
        },
        record: buildTaskTree(target.id, applied.run.rows, applied.run.files),
      };
    });
    await this.announce(decided);
    return record;
  }

  private async dispatchAgain(
    taskId: string,
    update: (repos: Repositories) => Promise<TaskRow | undefined>,
    onDispatched?: (row: TaskRow) => void,
  ): Promise<void> {
    const decided = await this.store.transaction(async (repos): Promise<Decided> => {
      const run = await lockRunOf(repos, taskId);
      const row = run && (await update(repos));
      if (!run || !row) return NOTHING;
      onDispatched?.(row);
      return {
        dispatches: [buildTaskDispatch(row, run.files.get(row.input_file_id))],
        changed: changedTasks(run.root, [row.id]),
      };
    });
    await this.announce(decided);
  }

  /**
   * For an ingest about to complete: the automations that could fire on
   * its file when it is a standalone one (`POST /files`), as the registry
   * has them; undefined for another task, or when the registry did not answer.
   */
  private async triggerCandidates(taskId: string): Promise<Automation[] | undefined> {
    const task = await this.store.autocommit((repos) => repos.tasks.find(taskId));
    if (!task || !isRoot(task) || task.kind !== 'ingest' || isFinalStatus(task.status))
      return undefined;
    return this.triggers.onFileCreated(task.project_id);
  }

  /**
   * The runs a stored file's triggers start, made in the caller's
   * transaction under the ingest's lock, once: the ingest is marked
   * evaluated first, and a second evaluation (a redelivered completion,
   * another replica, the reconciler) finds it so and makes none. Without
   * the automations (the registry did not answer) the mark stays unset for
   * the reconciler. A deleted file fires nothing.
   */
  private async fireTriggers(
    repos: Repositories,
    ingest: TaskRow,
    file: FileRow,
    automations: readonly Automation[] | undefined,
  ): Promise<Decided[]> {
    if (!automations || !(await repos.tasks.markTriggersEvaluated(ingest.id))) return [];
    if (file.deleted_at) return [];
    const { runs, refused } = triggeredRuns(file, automations);
    for (const { automationId, reason } of refused)
      this.logger.error(`automation ${automationId} not run on ${file.id}: ${reason}`);
    const decided: Decided[] = [];
    for (const request of runs) decided.push((await this.createRunIn(repos, request)).decided);
    return decided;
  }

  private async failForGood(
    repos: Repositories,
    run: LoadedRun,
    task: TaskRow,
    error: TaskError,
  ): Promise<Decided> {
    if (task.kind === 'ingest') return this.sourceFailed(repos, run, task, error);
    const before = toRunSteps(run, run.files);
    return applyAdvance(repos, run, before, failStep(before, task.id, error), {
      limits: this.limits,
    });
  }

  /** Without its source no step can run: they are skipped, and the run fails with the ingest's error, naming it. */
  private async sourceFailed(
    repos: Repositories,
    run: LoadedRun,
    ingest: TaskRow,
    error: TaskError,
  ): Promise<Decided> {
    const failed = await repos.tasks.updateStep(ingest.id, ingest.status, {
      status: 'failed',
      input_file_id: null,
      output_file_id: null,
      error,
    });
    const before = toRunSteps(run, run.files);
    // A single task is its own step: it is the run that fails, not a step that is skipped.
    const workflow = run.root.kind === 'workflow';
    const advance = workflow ? skipUnfinished(before, error) : { steps: before, ready: [] };
    const runError: TaskError = workflow
      ? { ...error, step: { id: ingest.id, ref: ingest.ref, kind: ingest.kind } }
      : error;
    const applied = await applyAdvance(repos, run, before, advance, {
      limits: this.limits,
      end: { status: 'failed', error: runError },
      changed: rowsOf(failed),
    });
    return { ...applied, staged: stagedOf(ingest) };
  }

  /**
   * The task under its run's lock, and whether it is waiting for this
   * attempt's outcome (not so for a late, stale or repeated report);
   * undefined for a task this scheduler does not know.
   */
  private async awaiting(
    repos: Repositories,
    taskId: string,
    attempt: number,
  ): Promise<{ task: TaskRow; run: LoadedRun; waiting: boolean } | undefined> {
    const run = await lockRunOf(repos, taskId);
    const task = run?.rows.find((row) => row.id === taskId);
    if (!run || !task) return undefined;
    const waiting =
      task.attempt === attempt &&
      (task.status === 'pending' || task.status === 'processing') &&
      task.next_attempt_at === null;
    return { task, run, waiting };
  }

  private async locked(repos: Repositories, runId: string): Promise<LoadedRun> {
    const run = await lockRun(repos, runId);
    if (!run) throw new Error(`run ${runId} has no root row`);
    return run;
  }

  /**
   * `create` once per idempotency claim: the root made for the claim when
   * there is one (after `existing` has seen it), else a new one. Two
   * requests with the same claim at once both try; the unique index lets
   * one commit, and the other answers what it made.
   */
  private async once(
    projectId: string,
    key: string | undefined,
    create: () => Promise<TaskRecord>,
    existing: (made: TaskRow) => Promise<void> = async () => undefined,
  ): Promise<TaskRecord> {
    if (key === undefined) return create();
    const madeFor = () =>
      this.store.autocommit(async (repos) => {
        const root = await repos.tasks.findByIdempotencyKey(projectId, key);
        return root && { root, record: await readTaskTree(repos, root) };
      });
    let made = await madeFor();
    if (!made) {
      try {
        return await create();
      } catch (error) {
        if (!isUniqueViolation(error, IDEMPOTENCY_INDEX)) throw error;
        made = await madeFor();
        if (!made) throw error;
      }
    }
    await existing(made.root);
    return made.record;
  }

  private async announce(decided: Decided): Promise<void> {
    // First: followers only read, and a notification costs a publish without a round trip.
    if (decided.changed) await this.publisher.announceChanges(decided.changed);
    // Handed over, not awaited: the sender's queue bounds what is in flight.
    if (decided.deliveries?.length) this.webhooks.sendNow(decided.deliveries);
    await this.publisher.publish(decided.dispatches);
    if (decided.cancels?.length) await this.publisher.cancel(decided.cancels);
    for (const key of decided.staged ?? []) await this.discardStaged(key);
    for (const run of decided.triggered ?? []) await this.announce(run);
  }

  /**
   * Once its ingest has ended the staged upload has done its job: stored
   * under the ingest's own key, or refused. A failure here leaves it behind
   * (logged); the ingest's outcome stands.
   */
  private async discardStaged(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`staged upload ${key} not deleted: ${(error as Error).message}`);
    }
  }

  /**
   * A result that was not recorded (a stale attempt, a cancelled task)
   * leaves its bytes behind: they are deleted, unless a recorded file uses
   * the same key (a redelivered attempt overwrites its own keys).
   */
  private async discardUnrecorded(task: TaskRow, event: Completed): Promise<void> {
    const produced = producedFiles(event.result);
    if (produced.length === 0) return;
    try {
      const prefix = attemptPrefix(task.project_id, task.id, event.attempt);
      const kept = await this.store.autocommit((repos) =>
        repos.files.recordedKeys(
          produced.map((f) => f.id),
          produced.map((f) => f.storage_key),
        ),
      );
      for (const file of produced) {
        if (kept.has(file.id) || kept.has(file.storage_key) || !file.storage_key.startsWith(prefix))
          continue;
        await this.storage.delete(file.storage_key);
      }
    } catch (error) {
      this.logger.warn(
        `outputs of ${task.id} attempt ${event.attempt} not cleaned up: ${(error as Error).message}`,
      );
    }
  }
}

/**
 * A project at its limit of runs in flight makes no more until some end. Not
 * under a lock: requests at the same instant may pass it by a few, which a
 * limit meant to bound one project's backlog allows.
 */
async function refuseOverRunsInFlight(
  repos: Repositories,
  { projectId, runsInFlightLimit: limit }: CreationLimits & { projectId: string },
): Promise<void> {
  if (limit === undefined) return;
  const inFlight = await repos.tasks.countRunsInFlight(projectId);
  if (inFlight >= limit) {
    throw new MediaflowError(
      'rate_limited',
      `The project has ${inFlight} runs in flight, its limit (limits.runs_in_flight is ${limit}); ` +
        'try again once some have ended',
    );
  }
}

/** A step retried on a file deleted since would only fail: the retry is refused, naming it. */
function refuseDeletedInputs(advance: Advance, files: FileIndex): void {
  for (const id of advance.ready) {
    const input = advance.steps.find((step) => step.id === id)?.input;
    const file = input && files.get(input.id);
    if (file?.deleted_at) {
      throw new MediaflowError(
        'conflict',
        `File ${file.id}, the input of step ${id}, was deleted: it cannot run again`,
      );
    }
  }
}

function rowsOf(row: TaskRow | undefined): TaskRow[] {
  return row ? [row] : [];
}

/** The staged upload an ingest stores, to delete once it has ended. */
function stagedOf(ingest: TaskRow): string[] {
  return ingest.source_key ? [ingest.source_key] : [];
}

function producedFiles(result: TaskResult): ProducedFile[] {
  return [...(result.file ? [result.file] : []), ...(result.linked_files ?? [])];
}
