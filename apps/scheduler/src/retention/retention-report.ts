import { HOLD_REASONS, type HoldReason } from './retention-rules';

/** What retention removes (or a dry run would), counted. */
export interface RetentionCounts {
  /** Roots: runs, tasks on their own, stored files' ingests. */
  runs: number;
  /** Every row of those runs, roots included. */
  tasks: number;
  files: number;
  /** Of the files that still had bytes in storage. */
  bytes: number;
  events: number;
  /** Per-task webhook deliveries. */
  webhook_deliveries: number;
  /** Deliveries of events to webhook endpoints. */
  event_deliveries: number;
}

export const NO_COUNTS: Readonly<RetentionCounts> = {
  runs: 0,
  tasks: 0,
  files: 0,
  bytes: 0,
  events: 0,
  webhook_deliveries: 0,
  event_deliveries: 0,
};

export function addCounts(a: RetentionCounts, b: Partial<RetentionCounts>): RetentionCounts {
  return {
    runs: a.runs + (b.runs ?? 0),
    tasks: a.tasks + (b.tasks ?? 0),
    files: a.files + (b.files ?? 0),
    bytes: a.bytes + (b.bytes ?? 0),
    events: a.events + (b.events ?? 0),
    webhook_deliveries: a.webhook_deliveries + (b.webhook_deliveries ?? 0),
    event_deliveries: a.event_deliveries + (b.event_deliveries ?? 0),
  };
}

export function isEmpty(counts: RetentionCounts): boolean {
  return Object.values(counts).every((n) => n === 0);
}

/** What `retention-report` prints and a dry run logs: what would go now, and what is held. */
export interface RetentionReport {
  days: number;
  dry_run: boolean;
  /** Runs that ended before it go; null when retention is off. */
  cutoff: string | null;
  would_remove: RetentionCounts;
  /** Runs ended before the cutoff that are kept all the same, by why. */
  held: Record<HoldReason, number>;
  /** Objects of removed files whose deletion from storage is still to do (a crash, a storage error). */
  storage_deletions_pending: number;
}

export function noHolds(): Record<HoldReason, number> {
  return { unfinished: 0, webhook_due: 0, triggers_due: 0 };
}

/** `12 runs (40 tasks), 18 files (1.2 MiB), 80 events, 8 deliveries`. */
export function describeCounts(counts: RetentionCounts): string {
  const deliveries = counts.webhook_deliveries + counts.event_deliveries;
  return (
    `${plural(counts.runs, 'run')} (${plural(counts.tasks, 'task')}), ` +
    `${plural(counts.files, 'file')} (${formatBytes(counts.bytes)}), ` +
    `${plural(counts.events, 'event')}, ${plural(deliveries, 'delivery', 'deliveries')}`
  );
}

/** `; held though old: 2 unfinished, 1 webhook_due`, or nothing when none is. */
export function describeHolds(held: Record<HoldReason, number>): string {
  const parts = HOLD_REASONS.filter((reason) => held[reason] > 0).map(
    (reason) => `${held[reason]} ${reason}`,
  );
  return parts.length === 0 ? '' : `; runs held though old: ${parts.join(', ')}`;
}

/** The report as a table for a terminal. */
export function reportTable(report: RetentionReport): string {
  const c = report.would_remove;
  const sections: [string, [string, string][]][] = [
    [
      'would remove',
      [
        ['runs', String(c.runs)],
        ['tasks', String(c.tasks)],
        ['files', String(c.files)],
        ['bytes', `${c.bytes} (${formatBytes(c.bytes)})`],
        ['events', String(c.events)],
        ['webhook deliveries', String(c.webhook_deliveries)],
        ['event deliveries', String(c.event_deliveries)],
      ],
    ],
    ['runs held though old', HOLD_REASONS.map((reason) => [reason, String(report.held[reason])])],
    ['storage', [['deletions pending', String(report.storage_deletions_pending)]]],
  ];
  const width = Math.max(...sections.flatMap(([, rows]) => rows.map(([name]) => name.length)));
  const setting =
    report.cutoff === null
      ? 'MEDIAFLOW_RETENTION_DAYS=0: retention is off, nothing is removed'
      : `MEDIAFLOW_RETENTION_DAYS=${report.days}: runs that ended before ${report.cutoff}` +
        (report.dry_run ? ' (MEDIAFLOW_RETENTION_DRY_RUN=true: nothing is removed)' : '');
  return [
    setting,
    ...sections.flatMap(([title, rows]) => [
      '',
      title,
      ...rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`),
    ]),
  ].join('\n');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Binary units, as `du -h` counts. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
