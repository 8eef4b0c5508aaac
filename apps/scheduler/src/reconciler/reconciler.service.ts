import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { RetentionService } from '../retention/retention.service';
import { DispatchPublisher } from '../runs/dispatch-publisher';
import { RunsService } from '../runs/runs.service';
import { dispatchesWithInputs } from '../runs/dispatch-inputs';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import type { TaskRow } from '../tasks/task-row';
import { TriggerLookup } from '../triggers/trigger-lookup';
import { WebhookSender } from '../webhooks/webhook-sender.service';

/** One replica reconciles at a time. */
export const RECONCILE_LOCK = 'mediaflow:scheduler:reconcile';
/** A dispatch written this long ago and still not published lost its publish (it normally takes milliseconds). */
export const UNPUBLISHED_GRACE_MS = 2_000;
/** Tasks looked at per kind of work per round; the rest wait for the next round. */
const BATCH = 100;
/** Old events deleted per statement, and statements per round at most. */
const EVENT_DELETE_BATCH = 5_000;
const EVENT_DELETE_BATCHES = 20;

/**
 * What no event will ever trigger: publishing dispatches that never reached
 * the broker, dispatching retries whose backoff is over, giving tasks whose
 * worker fell silent a new attempt (or failing them with `timeout`), and
 * handing the webhook sender the deliveries due again after a failure (or
 * that no process took when their task ended: a full queue, a crash), and
 * firing the triggers of stored files whose completion could not ask the
 * registry; and forgetting what is past its retention.
 * PostgreSQL says what is due; a round every MEDIAFLOW_RECONCILE_INTERVAL_MS.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(Reconciler.name);
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  constructor(
    private readonly store: SchedulerStore,
    private readonly runs: RunsService,
    private readonly publisher: DispatchPublisher,
    private readonly webhooks: WebhookSender,
    private readonly triggers: TriggerLookup,
    private readonly retention: RetentionService,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(
      () => void this.runRound(),
      this.config.MEDIAFLOW_RECONCILE_INTERVAL_MS,
    );
    // A restarted scheduler catches up at once rather than an interval later.
    void this.runRound();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** One round, unless one is still under way (a slow webhook, say). Resolves when it is over. */
  runRound(): Promise<void> {
    this.round ??= this.reconcile()
      .catch((error: unknown) =>
        this.logger.error(`reconciling failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.round = undefined;
      });
    return this.round;
  }

  private async reconcile(): Promise<void> {
    await this.store.withAdvisoryLock(RECONCILE_LOCK, async () => {
      await this.step('publishing lost dispatches', () => this.publishLost());
      await this.step('dispatching due retries', () => this.dispatchDueRetries());
      await this.step('handling silent tasks', () => this.handleSilent());
      await this.step('firing triggers left to evaluate', () => this.fireDueTriggers());
      // Claimed per delivery and sent in the background: the round does not wait for receivers.
      await this.step('sending due webhooks', () => this.webhooks.sendDue());
      await this.step('forgetting old events', () => this.forgetOldEvents());
      await this.step('removing what is past its retention', () => this.retention.runRound());
    });
  }

  /** Events past their retention, in bounded batches: a backlog shrinks over rounds. */
  private async forgetOldEvents(): Promise<void> {
    const hours = this.config.MEDIAFLOW_EVENT_RETENTION_HOURS;
    // 0: retention is off and the log has no window of its own: kept for ever.
    if (hours === 0) return;
    const cutoff = new Date(Date.now() - hours * 3_600_000);
    for (let batch = 0; batch < EVENT_DELETE_BATCHES; batch++) {
      const deleted = await this.store.autocommit((repos) =>
        repos.events.deleteRecordedBefore(cutoff, EVENT_DELETE_BATCH),
      );
      if (deleted < EVENT_DELETE_BATCH) return;
    }
  }

  /** Each kind of work on its own: one failing does not hold up the others. */
  private async step(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error(`${what} failed: ${(error as Error).message}`);
    }
  }

  private async publishLost(): Promise<void> {
    const rows = await this.store.autocommit((repos) =>
      repos.tasks.unpublished(UNPUBLISHED_GRACE_MS, BATCH),
    );
    // The same attempt again: if the first publish did land, the broker drops this one.
    await this.publisher.publish(
      await this.store.autocommit((repos) => dispatchesWithInputs(repos, rows)),
    );
  }

  private async dispatchDueRetries(): Promise<void> {
    const due = await this.store.autocommit((repos) => repos.tasks.dueRetries(BATCH));
    for (const task of due)
      await this.each(task, () => this.runs.dispatchDueRetry(task.id, task.attempt));
  }

  private async handleSilent(): Promise<void> {
    const stallMs = this.config.MEDIAFLOW_TASK_STALL_MS;
    const silent = await this.store.autocommit((repos) => repos.tasks.stalled(stallMs, BATCH));
    for (const task of silent) {
      await this.each(task, () =>
        task.attempt >= task.max_attempts
          ? this.runs.timeOut(task.id, task.attempt, stallMs)
          : this.runs.redispatchSilent(task.id, task.attempt, stallMs),
      );
    }
  }

  /**
   * Stored files whose triggers were never evaluated: the registry is asked
   * once per project, and while it does not answer the rest wait for the
   * next round (delayed, never lost).
   */
  private async fireDueTriggers(): Promise<void> {
    const due = await this.store.autocommit((repos) => repos.tasks.triggersDue(BATCH));
    const byProject = new Map<string, TaskRow[]>();
    for (const ingest of due)
      byProject.set(ingest.project_id, [...(byProject.get(ingest.project_id) ?? []), ingest]);
    for (const [projectId, ingests] of byProject) {
      const automations = await this.triggers.onFileCreated(projectId);
      if (!automations) return;
      for (const ingest of ingests)
        await this.each(ingest, () => this.runs.evaluateTriggers(ingest.id, automations));
    }
  }

  /** One task's trouble (a bug, a row that cannot be dispatched) does not hold up the others. */
  private async each(task: TaskRow, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error(`${task.kind} task ${task.id}: ${(error as Error).message}`);
    }
  }
}
