import type { Storage } from '@mediaflow/storage';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { fileEvent } from '../files/file-events';
import { SCHEDULER_CONFIG, STORAGE } from '../scheduler-tokens';
import type { RootKey } from './retention.repository';
import {
  addCounts,
  describeCounts,
  describeHolds,
  isEmpty,
  NO_COUNTS,
  type RetentionCounts,
  type RetentionReport,
} from './retention-report';
import { filesToRemove, judgeRun, retentionCutoff } from './retention-rules';
import { surveyRetention } from './retention-survey';

/**
 * Runs per transaction: each batch locks its roots, deletes their rows and
 * files' rows and commits, so no lock is held for long and a backlog
 * shrinks over rounds. Runs per round: RUN_BATCH × RUN_BATCHES.
 */
const RUN_BATCH = 100;
const RUN_BATCHES = 10;
/** Old deliveries looked at per statement, and statements per round and table. */
const SWEEP_BATCH = 1_000;
const SWEEP_BATCHES = 10;
/** Objects left to delete (a crash, a storage error) taken up per round. */
const LEFTOVER_OBJECTS = 500;
/** Deletions sent to storage at once: S3 takes one request per object. */
const STORAGE_CONCURRENCY = 8;
/**
 * A dry run surveys every old run, which takes a while on a large backlog
 * and answers the same from one round to the next: it does so at the first
 * round, then at most this often.
 */
export const DRY_RUN_REPORT_EVERY_MS = 3_600_000;

/** What a round did. */
export type RetentionRound =
  | { mode: 'off' }
  /** `report` is null for a round within DRY_RUN_REPORT_EVERY_MS of the last report. */
  | { mode: 'dry_run'; report: RetentionReport | null }
  | { mode: 'remove'; removed: RetentionCounts };

interface RemovedBatch {
  counts: RetentionCounts;
  /** Objects to delete from storage, queued in the batch's transaction. */
  keys: string[];
  /** Where the next batch starts; null once the walk has reached the end. */
  next: RootKey | null;
}

/**
 * Retention (docs/retention.md): ended runs older than
 * MEDIAFLOW_RETENTION_DAYS go, whole, with their events, their deliveries
 * and the files nothing kept uses; old deliveries that are over go too. A
 * round of the reconciler (one replica at a time) runs {@link runRound}.
 *
 * Storage is not transactional, so a file goes in two steps. Its row is
 * deleted with its run, and its object queued (`storage_deletions`), in
 * one transaction; after the commit the object is deleted from storage and
 * unqueued. A crash or a storage error in between leaves the key queued,
 * and a later round deletes it: an object is never left behind for good,
 * nor deleted while a row still points at it. Deleting the rows at once
 * (rather than marking them and deleting later) lets the foreign keys
 * hold the line against a run made meanwhile on one of the files: that
 * run, or this batch, fails, never both commit.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger(RetentionService.name);
  /** Where the walk over ended runs goes on from, round after round: runs held back never block it. */
  private cursor: RootKey | null = null;
  private webhookSweep = '0';
  private eventSweep = '0';
  private lastReportAt = -Infinity;

  constructor(
    private readonly store: SchedulerStore,
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(SCHEDULER_CONFIG)
    private readonly config: Pick<
      SchedulerConfig,
      'MEDIAFLOW_RETENTION_DAYS' | 'MEDIAFLOW_RETENTION_DRY_RUN'
    >,
  ) {}

  /**
   * One round: the objects earlier rounds could not delete, then (unless
   * retention is off, or a dry run, which only reports) up to RUN_BATCHES
   * batches of runs and the old deliveries. Logs one line when it removed
   * anything, or in a dry run what it would.
   */
  async runRound(now = new Date()): Promise<RetentionRound> {
    // Their rows are gone already: finishing their deletion is no new removal, so even a dry run does it.
    await this.deleteObjects(
      await this.store.autocommit((repos) =>
        repos.retention.queuedStorageDeletions(LEFTOVER_OBJECTS),
      ),
    );
    const days = this.config.MEDIAFLOW_RETENTION_DAYS;
    const cutoff = retentionCutoff(days, now);
    if (!cutoff) return { mode: 'off' };
    if (this.config.MEDIAFLOW_RETENTION_DRY_RUN)
      return { mode: 'dry_run', report: await this.dryRun(now) };

    let removed = { ...NO_COUNTS };
    for (let batch = 0; batch < RUN_BATCHES; batch++) {
      const done = await this.removeBatch(cutoff);
      this.cursor = done.next;
      removed = addCounts(removed, done.counts);
      await this.deleteObjects(done.keys);
      if (!done.next) break;
    }
    removed = addCounts(removed, await this.sweepDeliveries(cutoff));
    if (!isEmpty(removed)) {
      this.logger.log(
        `retention removed ${describeCounts(removed)}: ended before ${cutoff.toISOString()} (MEDIAFLOW_RETENTION_DAYS=${days})`,
      );
    }
    return { mode: 'remove', removed };
  }

  private async dryRun(now: Date): Promise<RetentionReport | null> {
    if (now.getTime() - this.lastReportAt < DRY_RUN_REPORT_EVERY_MS) return null;
    const report = await surveyRetention(
      (work) => this.store.autocommit((repos) => work(repos.retention)),
      { days: this.config.MEDIAFLOW_RETENTION_DAYS, dryRun: true },
      now,
    );
    this.lastReportAt = now.getTime();
    this.logger.log(
      `retention dry run: would remove ${describeCounts(report.would_remove)}: ended before ${report.cutoff}` +
        `${describeHolds(report.held)}; nothing removed (MEDIAFLOW_RETENTION_DRY_RUN=true)`,
    );
    return report;
  }

  /**
   * One transaction: the next RUN_BATCH ended roots, locked as a run is
   * locked (those another transaction holds are passed over); the runs
   * that go, whole; the files only they use, rows now and objects queued;
   * a `file.deleted` event for each file that had not been deleted yet, as
   * `DELETE /files/:id` keeps one.
   */
  private removeBatch(cutoff: Date): Promise<RemovedBatch> {
    return this.store.transaction(async (repos) => {
      const roots = await repos.retention.endedRoots(cutoff, this.cursor, RUN_BATCH, {
        lock: true,
      });
      const next = roots.length < RUN_BATCH ? null : roots.at(-1)!;
      const review = await repos.retention.runsUnderReview(roots.map((root) => root.id));
      const runs = new Set(
        review.filter((run) => judgeRun(run, cutoff) === 'remove').map((run) => run.id),
      );
      if (runs.size === 0) return { counts: NO_COUNTS, keys: [], next };

      const runIds = [...runs];
      const files = filesToRemove(await repos.retention.filesOf(runIds, null), runs);
      const gone = await repos.retention.removeRuns(runIds);
      const rows = await repos.retention.removeFiles(files.map((file) => file.id));
      const stored = files.filter((file) => !file.deleted);
      const storedIds = new Set(stored.map((file) => file.id));
      await repos.events.keep(
        rows.filter((row) => storedIds.has(row.id)).map((row) => fileEvent('file.deleted', row)),
      );
      // A run's ingest of an upload deletes the staged bytes when it ends; one left behind goes now.
      const keys = [...stored.map((file) => file.storageKey), ...gone.sourceKeys];
      await repos.retention.queueStorageDeletions(keys);
      return {
        counts: {
          runs: runs.size,
          tasks: gone.tasks,
          files: files.length,
          bytes: stored.reduce((sum, file) => sum + file.bytes, 0),
          events: gone.events,
          webhook_deliveries: gone.webhook_deliveries,
          event_deliveries: gone.event_deliveries,
        },
        keys,
        next,
      };
    });
  }

  /** Deliveries made before the cutoff that are over, whatever their task or event. */
  private async sweepDeliveries(cutoff: Date): Promise<Partial<RetentionCounts>> {
    let webhooks = 0;
    for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
      const step = await this.store.autocommit((repos) =>
        repos.retention.sweepWebhookDeliveries(cutoff, this.webhookSweep, SWEEP_BATCH),
      );
      webhooks += step.deleted;
      this.webhookSweep = step.next ?? '0';
      if (!step.next) break;
    }
    let events = 0;
    for (let batch = 0; batch < SWEEP_BATCHES; batch++) {
      const step = await this.store.autocommit((repos) =>
        repos.retention.sweepEventDeliveries(cutoff, this.eventSweep, SWEEP_BATCH),
      );
      events += step.deleted;
      this.eventSweep = step.next ?? '0';
      if (!step.next) break;
    }
    return { webhook_deliveries: webhooks, event_deliveries: events };
  }

  /**
   * Deletes queued objects from storage, STORAGE_CONCURRENCY at a time,
   * and unqueues those deleted (deleting one that is gone already is no
   * error, in either driver). One that fails stays queued, behind the
   * others, for a later round.
   */
  private async deleteObjects(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const deleted: string[] = [];
    const failed: { key: string; message: string }[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < keys.length) {
        const key = keys[next++]!;
        try {
          await this.storage.delete(key);
          deleted.push(key);
        } catch (error) {
          failed.push({ key, message: (error as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(STORAGE_CONCURRENCY, keys.length) }, lane));
    await this.store.autocommit(async (repos) => {
      await repos.retention.storageDeleted(deleted);
      for (const { key, message } of failed)
        await repos.retention.storageDeletionFailed(key, message);
    });
    if (failed.length > 0) {
      this.logger.warn(
        `${failed.length} objects of removed files not deleted from storage, tried again next round: ${failed[0]!.key}: ${failed[0]!.message}`,
      );
    }
  }
}
