import type { TaskStatus } from '@mediaflow/contracts';
import {
  filesToRemove,
  judgeRun,
  retentionCutoff,
  type FileUnderReview,
  type RunUnderReview,
} from './retention-rules';

const DAY = 86_400_000;
const NOW = new Date('2027-03-01T12:00:00.000Z');
const CUTOFF = new Date(NOW.getTime() - 30 * DAY);
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

/** A workflow run that completed 40 days ago, every step completed, nothing owed. */
function run(overrides: Partial<RunUnderReview> = {}): RunUnderReview {
  return {
    id: 'task_run',
    kind: 'workflow',
    status: 'completed',
    finishedAt: daysAgo(40),
    triggersEvaluatedAt: null,
    statuses: ['completed'],
    webhookBeingTried: false,
    ...overrides,
  };
}

describe('retentionCutoff', () => {
  it('is the number of days before now', () => {
    expect(retentionCutoff(30, NOW)).toEqual(new Date('2027-01-30T12:00:00.000Z'));
    expect(retentionCutoff(1, NOW)).toEqual(new Date('2027-02-28T12:00:00.000Z'));
  });

  it('is null for 0: retention is off and nothing is ever old enough', () => {
    expect(retentionCutoff(0, NOW)).toBeNull();
  });
});

describe('judgeRun', () => {
  it.each([
    ['completed', 'completed'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
    ['skipped', 'skipped'],
  ] as const)('removes a %s run ended before the cutoff', (_name, status) => {
    expect(judgeRun(run({ status, statuses: [status, 'completed', 'skipped'] }), CUTOFF)).toBe(
      'remove',
    );
  });

  it('keeps a run that ended after the cutoff, or exactly at it', () => {
    expect(judgeRun(run({ finishedAt: daysAgo(29) }), CUTOFF)).toBe('recent');
    expect(judgeRun(run({ finishedAt: CUTOFF }), CUTOFF)).toBe('recent');
    expect(judgeRun(run({ finishedAt: new Date(CUTOFF.getTime() - 1) }), CUTOFF)).toBe('remove');
  });

  it('keeps a root still at work, whatever its times say', () => {
    expect(judgeRun(run({ status: 'processing', statuses: ['processing'] }), CUTOFF)).toBe(
      'recent',
    );
    expect(judgeRun(run({ finishedAt: null }), CUTOFF)).toBe('recent');
  });

  it.each(['pending', 'waiting', 'processing'] as const)(
    'keeps a whole run whose root looks ended but one of whose rows is %s',
    (status: TaskStatus) => {
      expect(judgeRun(run({ statuses: ['completed', status, 'skipped'] }), CUTOFF)).toBe(
        'unfinished',
      );
    },
  );

  it('keeps a run whose webhook is still being tried', () => {
    expect(judgeRun(run({ webhookBeingTried: true }), CUTOFF)).toBe('webhook_due');
  });

  it("keeps a stored file's ingest whose triggers are still to fire, and only that", () => {
    const ingest = run({ kind: 'ingest' });
    expect(judgeRun(ingest, CUTOFF)).toBe('triggers_due');
    expect(judgeRun({ ...ingest, triggersEvaluatedAt: daysAgo(40) }, CUTOFF)).toBe('remove');
    // A failed ingest stored nothing: no trigger is owed.
    expect(judgeRun({ ...ingest, status: 'failed', statuses: ['failed'] }, CUTOFF)).toBe('remove');
    // Only an ingest owes triggers: the column is null on every other root.
    expect(judgeRun(run({ kind: 'image' }), CUTOFF)).toBe('remove');
  });
});

describe('filesToRemove', () => {
  const file = (id: string, usedBy: string[]): FileUnderReview => ({
    id,
    projectId: 'prj_1',
    storageKey: `projects/prj_1/files/${id}/a.jpg`,
    bytes: 100,
    deleted: false,
    usedBy,
  });

  it('removes the files only the removed runs use, and keeps those a kept run uses', () => {
    const removed = new Set(['task_old', 'task_older']);
    const files = [
      file('file_output', ['task_old']),
      file('file_shared_by_removed', ['task_old', 'task_older']),
      // The output of an old run that a newer run was started on.
      file('file_input_of_newer', ['task_old', 'task_newer']),
      // An upload whose ingest goes, used by a run still at work.
      file('file_upload', ['task_older', 'task_running']),
    ];
    expect(filesToRemove(files, removed).map((f) => f.id)).toEqual([
      'file_output',
      'file_shared_by_removed',
    ]);
  });

  it('keeps everything when no run is removed', () => {
    expect(filesToRemove([file('file_a', ['task_a'])], new Set())).toEqual([]);
  });
});
