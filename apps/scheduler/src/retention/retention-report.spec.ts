import {
  addCounts,
  describeCounts,
  describeHolds,
  formatBytes,
  isEmpty,
  NO_COUNTS,
  reportTable,
  type RetentionCounts,
} from './retention-report';

const COUNTS: RetentionCounts = {
  runs: 12,
  tasks: 40,
  files: 18,
  bytes: 1_258_291,
  events: 80,
  webhook_deliveries: 3,
  event_deliveries: 5,
};

describe('describeCounts', () => {
  it('says every kind of thing in one line, deliveries of both kinds together', () => {
    expect(describeCounts(COUNTS)).toBe(
      '12 runs (40 tasks), 18 files (1.2 MiB), 80 events, 8 deliveries',
    );
  });

  it('says one thing in the singular', () => {
    expect(
      describeCounts({
        runs: 1,
        tasks: 1,
        files: 1,
        bytes: 1,
        events: 1,
        webhook_deliveries: 1,
        event_deliveries: 0,
      }),
    ).toBe('1 run (1 task), 1 file (1 B), 1 event, 1 delivery');
  });
});

describe('addCounts and isEmpty', () => {
  it('adds each count, those not given as 0', () => {
    expect(addCounts(COUNTS, { runs: 1, webhook_deliveries: 2 })).toEqual({
      ...COUNTS,
      runs: 13,
      webhook_deliveries: 5,
    });
  });

  it('is empty only when every count is 0', () => {
    expect(isEmpty(NO_COUNTS)).toBe(true);
    expect(isEmpty({ ...NO_COUNTS, event_deliveries: 1 })).toBe(false);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1_572_864, '1.5 MiB'],
    [5 * 1024 ** 4, '5.0 TiB'],
  ])('%d bytes: %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('describeHolds', () => {
  it('names the reasons old runs are kept, and nothing when none is', () => {
    expect(describeHolds({ unfinished: 0, webhook_due: 0, triggers_due: 0 })).toBe('');
    expect(describeHolds({ unfinished: 2, webhook_due: 0, triggers_due: 1 })).toBe(
      '; runs held though old: 2 unfinished, 1 triggers_due',
    );
  });
});

describe('reportTable', () => {
  it('lays out what would go, what is held and what storage still owes', () => {
    expect(
      reportTable({
        days: 30,
        dry_run: true,
        cutoff: '2027-01-30T12:00:00.000Z',
        would_remove: COUNTS,
        held: { unfinished: 1, webhook_due: 0, triggers_due: 0 },
        storage_deletions_pending: 4,
      }),
    ).toBe(
      [
        'MEDIAFLOW_RETENTION_DAYS=30: runs that ended before 2027-01-30T12:00:00.000Z (MEDIAFLOW_RETENTION_DRY_RUN=true: nothing is removed)',
        '',
        'would remove',
        '  runs                12',
        '  tasks               40',
        '  files               18',
        '  bytes               1258291 (1.2 MiB)',
        '  events              80',
        '  webhook deliveries  3',
        '  event deliveries    5',
        '',
        'runs held though old',
        '  unfinished          1',
        '  webhook_due         0',
        '  triggers_due        0',
        '',
        'storage',
        '  deletions pending   4',
      ].join('\n'),
    );
  });

  it('says retention is off when it is', () => {
    expect(
      reportTable({
        days: 0,
        dry_run: false,
        cutoff: null,
        would_remove: NO_COUNTS,
        held: { unfinished: 0, webhook_due: 0, triggers_due: 0 },
        storage_deletions_pending: 0,
      }).split('\n')[0],
    ).toBe('MEDIAFLOW_RETENTION_DAYS=0: retention is off, nothing is removed');
  });
});
