import {
  mergeTaskUpdate,
  newFailures,
  overallRow,
  plainLine,
  plainProgressLines,
  progressRows,
  type ProgressRow,
} from './step-progress';
import { file, run, task } from '../testing/task-fixtures';

describe('progressRows', () => {
  it('one row per step, in reading order, with depth, status, whole percent and why it failed or was skipped', () => {
    const tree = run([
      task({
        kind: 'video',
        ref: 'web',
        status: 'processing',
        progress: 42.7,
        next: [task({ kind: 'thumbnails', ref: 'scrub', status: 'waiting' })],
      }),
      task({
        kind: 'audio',
        status: 'failed',
        progress: 10,
        error: { code: 'no_audio_stream', message: 'the input has no audio stream' },
      }),
      task({
        kind: 'subtitles',
        status: 'skipped',
        skip_reason: { code: 'not_applicable', message: 'subtitles takes video or audio' },
      }),
      task({ kind: 'image', status: 'completed', progress: 99, output: file() }),
    ]);
    expect(progressRows(tree)).toEqual([
      expect.objectContaining({
        label: 'web',
        depth: 0,
        status: 'processing',
        percent: 42,
        note: null,
      }),
      expect.objectContaining({ label: 'scrub', depth: 1, status: 'waiting', percent: 0 }),
      expect.objectContaining({
        label: 'audio-1',
        status: 'failed',
        percent: 10,
        note: 'the input has no audio stream (no_audio_stream)',
      }),
      expect.objectContaining({
        label: 'subtitles-1',
        status: 'skipped',
        note: 'subtitles takes video or audio',
      }),
      expect.objectContaining({ label: 'image-1', status: 'completed', percent: 100 }),
    ]);
  });

  it('a task on its own is one row', () => {
    const single = task({ kind: 'thumbnails', status: 'processing', progress: 5 });
    expect(progressRows(single)).toEqual([
      {
        id: single.id,
        label: 'thumbnails-1',
        depth: 0,
        status: 'processing',
        percent: 5,
        note: null,
      },
    ]);
  });

  it('overallRow: the run as one bar', () => {
    expect(overallRow(run([], { status: 'processing', progress: 33.3 }))).toMatchObject({
      label: 'run',
      percent: 33,
    });
  });
});

describe('mergeTaskUpdate', () => {
  it('replaces a step by a newer version, keeping the subtree it came without', () => {
    const child = task({ kind: 'thumbnails', status: 'waiting' });
    const step = task({ kind: 'video', status: 'pending', next: [child] });
    const tree = run([step, task({ kind: 'audio' })]);
    const newer = { ...step, status: 'processing' as const, progress: 50, next: undefined };
    const merged = mergeTaskUpdate(tree, newer);
    expect(merged.workflow?.[0]).toMatchObject({
      status: 'processing',
      progress: 50,
      next: [child],
    });
    expect(merged.workflow?.[1]).toEqual(tree.workflow?.[1]);
    expect(tree.workflow?.[0]?.status).toBe('pending'); // the old tree is left as it was
  });

  it('replaces a nested step, and the run itself with its tree', () => {
    const child = task({ kind: 'thumbnails', status: 'waiting' });
    const tree = run([task({ kind: 'video', next: [child] })]);
    const merged = mergeTaskUpdate(tree, { ...child, status: 'completed', progress: 100 });
    expect(merged.workflow?.[0]?.next?.[0]?.status).toBe('completed');

    const newerRun = { ...tree, status: 'completed' as const, updated_at: 5 };
    expect(mergeTaskUpdate(tree, newerRun)).toEqual(newerRun);
  });

  it('ignores an older version of the run, and a task it does not hold', () => {
    const tree = run([task()], { updated_at: 10, status: 'completed' });
    expect(mergeTaskUpdate(tree, { ...tree, updated_at: 9, status: 'processing' })).toBe(tree);
    expect(mergeTaskUpdate(tree, task({ id: 'task_elsewhere' }))).toEqual(tree);
  });
});

describe('plain progress lines (no terminal)', () => {
  const row = (fields: Partial<ProgressRow>): ProgressRow => ({
    id: 't1',
    label: 'web',
    depth: 0,
    status: 'pending',
    percent: 0,
    note: null,
    ...fields,
  });

  it('says each row when first seen, then on each change of status', () => {
    expect(
      plainProgressLines(
        [],
        [row({}), row({ id: 't2', label: 'scrub', depth: 1, status: 'waiting' })],
      ),
    ).toEqual(['web: pending', '  scrub: waiting']);
    expect(plainProgressLines([row({})], [row({ status: 'processing', percent: 3 })])).toEqual([
      'web: processing 3%',
    ]);
    expect(
      plainProgressLines(
        [row({ status: 'processing', percent: 80 })],
        [row({ status: 'completed', percent: 100 })],
      ),
    ).toEqual(['web: completed']);
  });

  it('while processing, a line per quarter passed, not per percent', () => {
    const at = (percent: number) => row({ status: 'processing', percent });
    expect(plainProgressLines([at(10)], [at(24)])).toEqual([]);
    expect(plainProgressLines([at(24)], [at(26)])).toEqual(['web: processing 26%']);
    expect(plainProgressLines([at(26)], [at(49)])).toEqual([]);
    expect(plainProgressLines([at(10)], [at(80)])).toEqual(['web: processing 80%']);
  });

  it('says why a step failed or was skipped', () => {
    expect(
      plainLine(row({ status: 'failed', percent: 10, note: 'no audio (no_audio_stream)' })),
    ).toBe('web: failed: no audio (no_audio_stream)');
  });

  it('newFailures: the rows that failed or were cancelled since the last look', () => {
    const failed = row({ status: 'failed' });
    expect(newFailures([row({ status: 'processing' })], [failed])).toEqual([failed]);
    expect(newFailures([failed], [failed])).toEqual([]);
  });
});
