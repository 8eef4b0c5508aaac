import type { RetentionRepository, RootKey } from './retention.repository';
import {
  addCounts,
  NO_COUNTS,
  noHolds,
  type RetentionCounts,
  type RetentionReport,
} from './retention-report';
import { filesToRemove, judgeRun, retentionCutoff } from './retention-rules';

/** Roots read per statement while surveying. */
const SURVEY_PAGE = 500;

export interface RetentionSettings {
  days: number;
  dryRun: boolean;
}

/**
 * Runs reads on one connection, outside any transaction: the scheduler's
 * store, or the report command's own connection (which loads no Nest).
 */
export type RetentionReads = <T>(
  work: (retention: RetentionRepository) => Promise<T>,
) => Promise<T>;

/**
 * What retention would remove now, if its rounds ran until nothing were
 * left: every ended run old enough, walked oldest first with the rules the
 * rounds apply, counting each file once, in the page of the last run that
 * uses it (as the rounds remove it with that run). Reads only, a page per
 * statement: no lock, nothing held while it walks. What a round removes and
 * what a survey counts are the same rules on the same rows, so they agree
 * on a database nothing else changes meanwhile.
 */
export async function surveyRetention(
  read: RetentionReads,
  settings: RetentionSettings,
  now = new Date(),
): Promise<RetentionReport> {
  const cutoff = retentionCutoff(settings.days, now);
  let counts: RetentionCounts = { ...NO_COUNTS };
  const held = noHolds();
  const report = () => ({
    days: settings.days,
    dry_run: settings.dryRun,
    cutoff: cutoff?.toISOString() ?? null,
    would_remove: counts,
    held,
  });
  if (!cutoff) {
    const pending = await read((retention) => retention.storageDeletionsPending());
    return { ...report(), storage_deletions_pending: pending };
  }

  // Runs walked past and kept: a file one of them uses is kept too.
  const heldRuns: string[] = [];
  // Of the deliveries of removed runs, those the age sweep would count as well.
  let oldDeliveries = { webhook: 0, event: 0 };
  let after: RootKey | null = null;
  for (;;) {
    const page: RootKey[] = await read((retention) =>
      retention.endedRoots(cutoff, after, SURVEY_PAGE, { lock: false }),
    );
    if (page.length === 0) break;
    await read(async (retention) => {
      const removed = new Set<string>();
      for (const run of await retention.runsUnderReview(page.map((root) => root.id))) {
        const verdict = judgeRun(run, cutoff);
        if (verdict === 'remove') removed.add(run.id);
        else if (verdict !== 'recent') {
          held[verdict] += 1;
          heldRuns.push(run.id);
        }
      }
      if (removed.size === 0) return;
      const runIds = [...removed];
      const files = filesToRemove(
        await retention.filesOf(runIds, { before: page[0]!, cutoff, held: heldRuns }),
        removed,
      );
      const contents = await retention.contentsOf(runIds, cutoff);
      counts = addCounts(counts, {
        runs: removed.size,
        tasks: contents.tasks,
        files: files.length,
        bytes: files.reduce((sum, file) => sum + file.bytes, 0),
        events: contents.events,
        webhook_deliveries: contents.webhook_deliveries,
        event_deliveries: contents.event_deliveries,
      });
      oldDeliveries = {
        webhook: oldDeliveries.webhook + contents.old_webhook_deliveries,
        event: oldDeliveries.event + contents.old_event_deliveries,
      };
    });
    after = page.at(-1)!;
    if (page.length < SURVEY_PAGE) break;
  }

  return read(async (retention) => {
    // Old deliveries that are over go by age too, those of kept runs (and
    // of events of no run) included; those of removed runs are counted once.
    const old = await retention.oldDeliveries(cutoff);
    counts = addCounts(counts, {
      webhook_deliveries: old.webhook - oldDeliveries.webhook,
      event_deliveries: old.event - oldDeliveries.event,
    });
    return {
      ...report(),
      storage_deletions_pending: await retention.storageDeletionsPending(),
    };
  });
}
