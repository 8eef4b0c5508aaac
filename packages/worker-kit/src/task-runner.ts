import {
  MediaflowError,
  TASK_MESSAGE_VERSION,
  newId,
  type ProducedFile,
  type TaskCancel,
  type TaskDispatch,
  type TaskEvent,
  type TaskKind,
  type TaskResult,
} from '@mediaflow/contracts';
import type { Stoppable, TaskTransport, WorkControl } from '@mediaflow/messaging';
import { StorageNotFoundError, outputKey, type Storage } from '@mediaflow/storage';
import { Logger } from '@nestjs/common';
import { attemptTimeLimit } from './attempt-time-limit';
import { ProgressThrottle } from './progress-throttle';
import { makeWorkDir, removeWorkDir, ScratchSweeper } from './scratch-dirs';

const KEEP_ALIVE_MS = 30_000;
import { taskFailure } from './task-failure';
import type { HandlerFile, HandlerResult, TaskContext, TaskHandler } from './task-handler';

export type TaskHandlers = Partial<Record<TaskKind, TaskHandler>>;

export type TaskOutcomeName = 'completed' | 'failed' | 'cancelled';

export interface TaskOutcome {
  kind: TaskKind;
  outcome: TaskOutcomeName;
  seconds: number;
}

/** Where the runner writes what operators need: Nest's Logger (pino in a service) by default. */
export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export interface TaskRunnerOptions {
  transport: Pick<TaskTransport, 'publishEvent' | 'onCancel'>;
  storage: Storage;
  handlers: TaskHandlers;
  /** The work consumer's ack wait: the runner heartbeats at a third of it. */
  ackWaitMs: number;
  /**
   * An attempt running longer is aborted and fails with `timeout`
   * (MEDIAFLOW_TASK_TIMEOUT_MS); a dispatch's `timeout_ms` can make it shorter.
   */
  timeoutMs: number;
  /** Where each attempt's work directory is made (TMPDIR); what killed attempts left there is swept. */
  scratchDir: string;
  /** How often that sweep runs besides at start. Default SCRATCH_SWEEP_MS (5 min). */
  scratchSweepMs?: number;
  /** At most one progress event per this many ms. Default 1 s. */
  progressIntervalMs?: number;
  /** A progress event at least this often while a handler runs (default: the ack wait, at most 30 s). */
  keepAliveMs?: number;
  /** How long an aborted handler gets to return before the runner moves on without it. Default 10 s. */
  abortGraceMs?: number;
  logger?: RunnerLogger;
  /** Told how each attempt ended, for metrics. */
  onOutcome?: (outcome: TaskOutcome) => void;
}

/**
 * Cancellations remembered for tasks not (yet) running here: a cancelled
 * attempt picked up later does not start (a later one, after a retry, does).
 */
const REMEMBERED_CANCELS = 1_000;

/** An event as a handler's outcome decides it; the runner adds the task's fields and the time. */
type EventBody = TaskEvent extends infer E
  ? E extends TaskEvent
    ? Omit<E, 'v' | 'task_id' | 'attempt' | 'kind' | 'at'>
    : never
  : never;
type FinalEvent = Extract<EventBody, { type: 'completed' | 'failed' }>;

/**
 * What a worker does with one dispatch: tell the scheduler it started, run
 * the kind's handler in a fresh work directory while heartbeating the
 * message, store the files it made, publish how it ended, and only then ack.
 * The work directory goes whatever happens. A crash before the ack leaves
 * the message to JetStream, which gives the same attempt to another worker.
 */
export class TaskRunner {
  private readonly logger: RunnerLogger;
  /** Aborts of the attempts running here, by task id, each with its attempt. */
  private readonly running = new Map<string, Map<AbortController, number>>();
  /** The last attempt cancelled, by task id (Infinity: every attempt). */
  private readonly cancelled = new Map<string, number>();
  private cancels?: Stoppable;
  private readonly scratch: ScratchSweeper;

  constructor(private readonly options: TaskRunnerOptions) {
    this.logger = options.logger ?? new Logger('TaskRunner');
    this.scratch = new ScratchSweeper({
      scratchDir: options.scratchDir,
      intervalMs: options.scratchSweepMs,
      log: this.logger,
    });
  }

  /** Listens for cancellations and sweeps the scratch directory; call before taking work. */
  async start(): Promise<void> {
    this.cancels ??= await this.options.transport.onCancel((cancel) => this.cancel(cancel));
    await this.scratch.start();
  }

  async stop(): Promise<void> {
    await this.cancels?.stop();
    this.cancels = undefined;
    await this.scratch.stop();
  }

  /** The consumeWork handler. */
  readonly run = async (task: TaskDispatch, control: WorkControl): Promise<void> => {
    const began = performance.now();
    const handler = this.options.handlers[task.kind];
    if (!handler) {
      // A routing mistake, not something another attempt would fix.
      await this.publish(task, {
        type: 'failed',
        error: { code: 'internal', message: `This worker has no handler for ${task.kind} tasks` },
        retryable: false,
      });
      control.ack();
      this.logger.error(`task ${task.task_id}: no handler for kind ${task.kind}`);
      this.report(task, 'failed', began);
      return;
    }

    if (control.deliveries > 1) {
      this.logger.warn(
        `task ${task.task_id} (${task.kind}, attempt ${task.attempt}): delivery ${control.deliveries}, the last worker stopped without finishing it`,
      );
    }
    const abort = new AbortController();
    this.track(task.task_id, abort, task.attempt);
    if ((this.cancelled.get(task.task_id) ?? 0) >= task.attempt) abort.abort(cancelledError());
    const progress = this.progressReporter(task);
    const heartbeat = setInterval(
      () => {
        control.working();
        progress.keepAlive();
      },
      Math.max(100, Math.floor(this.options.ackWaitMs / 3)),
    );
    const limit = attemptTimeLimit(this.options.timeoutMs, task);
    const timeout = setTimeout(() => abort.abort(limit.timeout()), limit.ms);
    let workDir: string | undefined;
    // Not waited for before the work starts (a broker round trip off every task's start), but
    // before the outcome is published: the scheduler hears `started` first, and a publish that
    // fails leaves the message unacked, for another attempt, as it did before the work.
    const started = this.publish(task, { type: 'started' });
    started.catch(() => undefined);
    try {
      let final: FinalEvent;
      try {
        workDir = await makeWorkDir(this.options.scratchDir);
        const result = await this.runHandler(handler, task, workDir, abort.signal, progress.report);
        final = { type: 'completed', result: await this.store(task, result) };
      } catch (error) {
        // Once aborted, whatever the handler threw (a killed ffmpeg) is the abort's doing.
        final = this.failed(task, abort.signal.aborted ? abort.signal.reason : error);
      }
      await started;
      await progress.close();
      // Gone before the outcome is out: whoever sees the event may count on the disk space.
      if (workDir) await removeWorkDir(workDir);
      await this.publish(task, final);
      control.ack();
      this.report(task, outcomeOf(final), began);
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
      this.untrack(task.task_id, abort);
      if (workDir) await removeWorkDir(workDir);
    }
  };

  private cancel({ task_id, attempt = Infinity }: TaskCancel): void {
    const upTo = Math.max(attempt, this.cancelled.get(task_id) ?? 0);
    this.cancelled.delete(task_id);
    this.cancelled.set(task_id, upTo);
    if (this.cancelled.size > REMEMBERED_CANCELS)
      this.cancelled.delete(this.cancelled.keys().next().value!);
    for (const [abort, running] of this.running.get(task_id) ?? []) {
      if (running <= upTo) abort.abort(cancelledError());
    }
  }

  private async runHandler(
    handler: TaskHandler,
    task: TaskDispatch,
    workDir: string,
    signal: AbortSignal,
    progress: (percent: number) => void,
  ): Promise<HandlerResult> {
    if (signal.aborted) throw signal.reason;
    // The input file's bytes, or for an ingest of an upload the gateway's staged bytes.
    const sourceKey = task.input?.storage_key ?? task.source_key ?? null;
    const inputPath = sourceKey ? await this.inputPath(sourceKey, workDir) : null;
    const context: TaskContext = { task, inputPath, workDir, signal, progress };
    const running = Promise.resolve().then(() => handler(context));
    // A handler that ignores its signal gets a grace period, then the runner reports without it.
    let giveUp: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const abandoned = new Promise<never>((_, reject) => {
      onAbort = () => {
        giveUp = setTimeout(() => reject(signal.reason), this.options.abortGraceMs ?? 10_000);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    running.catch(() => undefined);
    try {
      return await Promise.race([running, abandoned]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
      clearTimeout(giveUp);
    }
  }

  private async inputPath(key: string, workDir: string): Promise<string> {
    try {
      return await this.options.storage.localPath(key, workDir);
    } catch (error) {
      if (error instanceof StorageNotFoundError) {
        throw new MediaflowError('input_unreadable', 'The input file is no longer in storage');
      }
      throw error;
    }
  }

  /** Stores the files a handler made under this attempt's keys; a redelivered attempt overwrites them. */
  private async store(task: TaskDispatch, result: HandlerResult): Promise<TaskResult> {
    const key = (file: HandlerFile) =>
      outputKey(task.project_id, task.task_id, task.attempt, file.filename);
    const keys = [result.file, ...(result.linkedFiles ?? [])]
      .filter((f): f is HandlerFile => !!f)
      .map(key);
    if (new Set(keys).size !== keys.length)
      throw new Error(`A ${task.kind} handler made files that share a key: ${keys.join(', ')}`);
    const put = async (file: HandlerFile): Promise<ProducedFile> => {
      const storageKey = key(file);
      const { size } = await this.options.storage.putFile(storageKey, file.path);
      return {
        ...file.properties,
        filesize: size,
        id: newId('file'),
        filename: file.filename,
        storage_key: storageKey,
      };
    };
    const produced: TaskResult = {};
    if (result.file) produced.file = await put(result.file);
    if (result.linkedFiles?.length)
      produced.linked_files = await Promise.all(result.linkedFiles.map(put));
    if (result.data) produced.data = result.data;
    return produced;
  }

  private failed(task: TaskDispatch, thrown: unknown): FinalEvent {
    const failure = taskFailure(thrown);
    if (failure.unexpected) {
      this.logger.error(
        `task ${task.task_id} (${task.kind}, attempt ${task.attempt}) failed unexpectedly`,
        stackOf(thrown),
      );
    } else {
      this.logger.warn(
        `task ${task.task_id} (${task.kind}, attempt ${task.attempt}) failed: ${failure.error.code}: ${failure.error.message}`,
      );
    }
    return { type: 'failed', error: failure.error, retryable: failure.retryable };
  }

  /** Throttled progress, published in the background; `close` stops it and waits for what is on its way. */
  private progressReporter(task: TaskDispatch) {
    const throttle = new ProgressThrottle(this.options.progressIntervalMs);
    // At least once an ack wait: the scheduler takes a task as stalled after a few of them.
    const keepAliveMs = this.options.keepAliveMs ?? Math.min(KEEP_ALIVE_MS, this.options.ackWaitMs);
    let closed = false;
    let sending: Promise<void> = Promise.resolve();
    let lastValue = 0;
    let lastSentAt = Date.now();
    const send = (value: number) => {
      lastValue = value;
      lastSentAt = Date.now();
      sending = sending
        .then(() => this.publish(task, { type: 'progress', progress: value }))
        .catch((error: unknown) =>
          this.logger.warn(
            `task ${task.task_id}: progress not published: ${(error as Error).message}`,
          ),
        );
    };
    return {
      report: (percent: number) => {
        if (closed) return;
        const value = throttle.offer(percent, Date.now());
        if (value !== null) send(value);
      },
      /**
       * The scheduler hears events, not JetStream heartbeats: a long step that
       * reports no progress still says it is alive, so it is not taken for stalled.
       */
      keepAlive: () => {
        if (!closed && Date.now() - lastSentAt >= keepAliveMs) send(lastValue);
      },
      close: async () => {
        closed = true;
        await sending;
      },
    };
  }

  private publish(task: TaskDispatch, event: EventBody): Promise<void> {
    const base = {
      v: TASK_MESSAGE_VERSION,
      task_id: task.task_id,
      attempt: task.attempt,
      kind: task.kind,
      at: Date.now(),
    };
    return this.options.transport.publishEvent({ ...base, ...event } as TaskEvent);
  }

  private report(task: TaskDispatch, outcome: TaskOutcomeName, began: number): void {
    this.options.onOutcome?.({
      kind: task.kind,
      outcome,
      seconds: (performance.now() - began) / 1000,
    });
  }

  private track(taskId: string, abort: AbortController, attempt: number): void {
    const attempts = this.running.get(taskId) ?? new Map<AbortController, number>();
    attempts.set(abort, attempt);
    this.running.set(taskId, attempts);
  }

  private untrack(taskId: string, abort: AbortController): void {
    const attempts = this.running.get(taskId);
    attempts?.delete(abort);
    if (attempts?.size === 0) this.running.delete(taskId);
  }
}

function cancelledError(): MediaflowError {
  return new MediaflowError('cancelled', 'The task was cancelled');
}

function outcomeOf(event: FinalEvent): TaskOutcomeName {
  if (event.type === 'completed') return 'completed';
  return event.error.code === 'cancelled' ? 'cancelled' : 'failed';
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
