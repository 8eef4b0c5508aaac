import { completeStep, startRun, type RunStep } from '@mediaflow/workflow';
import { LATER, fileRow, taskRow } from '../../test/fixtures/rows';
import { indexFiles } from '../files/file-index';
import { splitRun, stepChanges, toRunSteps } from './run-rows';

const RUN = 'task_run0000000000000';
const SOURCE = 'file_source0000000000';

describe('splitRun and toRunSteps', () => {
  it("gives a workflow's top-level steps no parent, keeps the rest, and sets the ingest apart", () => {
    const rows = [
      taskRow({ id: RUN, run_id: RUN, kind: 'workflow', status: 'processing' }),
      taskRow({
        id: 'task_ingest0000000000',
        run_id: RUN,
        parent_id: RUN,
        kind: 'ingest',
        ref: 'source',
        status: 'completed',
        output_file_id: SOURCE,
      }),
      taskRow({
        id: 'task_a000000000000000',
        run_id: RUN,
        parent_id: RUN,
        kind: 'image',
        status: 'completed',
        progress: 100,
        finished_at: LATER,
        input_file_id: SOURCE,
        output_file_id: 'file_a000000000000000',
      }),
      taskRow({
        id: 'task_b000000000000000',
        run_id: RUN,
        parent_id: 'task_a000000000000000',
        branch: 'next',
        position: 1,
        kind: 'summary',
        options: { max_words: 20 },
        status: 'skipped',
        skip_reason: { code: 'not_applicable', message: 'summary takes …' },
      }),
    ];
    const files = indexFiles([
      fileRow({ id: SOURCE, width: 800, height: 600 }),
      fileRow({
        id: 'file_a000000000000000',
        kind: 'image',
        width: 320,
        height: 240,
        filesize: '4096',
      }),
    ]);
    const run = splitRun(rows, RUN);
    expect(run.root.id).toBe(RUN);
    expect(run.ingest?.id).toBe('task_ingest0000000000');
    expect(run.steps.map((s) => s.id)).toEqual(['task_a000000000000000', 'task_b000000000000000']);

    const steps = toRunSteps(run, files);
    expect(steps).toEqual([
      {
        id: 'task_a000000000000000',
        parentId: null,
        branch: null,
        position: 0,
        kind: 'image',
        ref: null,
        options: {},
        conditions: null,
        status: 'completed',
        progress: 100,
        input: {
          id: SOURCE,
          properties: {
            kind: 'image',
            mimetype: 'image/jpeg',
            format: 'jpeg',
            width: 800,
            height: 600,
            filesize: 1843221,
            has_audio: false,
            has_video: false,
          },
          filename: 'photo.jpg',
        },
        output: {
          id: 'file_a000000000000000',
          properties: {
            kind: 'image',
            mimetype: 'image/jpeg',
            format: 'jpeg',
            width: 320,
            height: 240,
            filesize: 4096,
            has_audio: false,
            has_video: false,
          },
          filename: 'photo.jpg',
        },
        error: null,
        skipReason: null,
        finishedAt: LATER.getTime(),
      },
      {
        id: 'task_b000000000000000',
        parentId: 'task_a000000000000000',
        branch: 'next',
        position: 1,
        kind: 'summary',
        ref: null,
        options: { max_words: 20 },
        conditions: null,
        status: 'skipped',
        progress: 0,
        input: null,
        output: null,
        error: null,
        skipReason: { code: 'not_applicable', message: 'summary takes …' },
        finishedAt: null,
      },
    ]);
  });

  it('makes a single task its own only step, with no parent', () => {
    const root = taskRow({ id: RUN, run_id: RUN, kind: 'audio', status: 'waiting' });
    const ingest = taskRow({
      id: 'task_ingest0000000000',
      run_id: RUN,
      parent_id: RUN,
      kind: 'ingest',
      status: 'pending',
    });
    const run = splitRun([ingest, root], RUN);
    expect(run.steps).toEqual([root]);
    expect(run.ingest).toBe(ingest);
    expect(toRunSteps(run, indexFiles([]))).toEqual([
      expect.objectContaining({ id: RUN, parentId: null, kind: 'audio' }),
    ]);
  });

  it('makes a standalone ingest its own ingest, with no steps to advance on its file', () => {
    const root = taskRow({
      id: RUN,
      run_id: RUN,
      kind: 'ingest',
      status: 'processing',
      source_key: 'projects/x/files/y/upload',
    });
    const run = splitRun([root], RUN);
    expect(run.ingest).toBe(root);
    expect(run.steps).toEqual([]);
    expect(toRunSteps(run, indexFiles([]))).toEqual([]);
    expect(
      startRun(toRunSteps(run, indexFiles([])), { id: SOURCE, properties: { kind: 'image' } }),
    ).toEqual({ steps: [], ready: [] });
  });

  it('refuses rows without their root, or a step whose file is not loaded', () => {
    expect(() => splitRun([], RUN)).toThrow(/no root row/);
    const run = splitRun([taskRow({ id: RUN, run_id: RUN, input_file_id: SOURCE })], RUN);
    expect(() => toRunSteps(run, indexFiles([]))).toThrow(/not loaded/);
  });
});

describe('stepChanges', () => {
  const file = (id: string) => ({ id, properties: { kind: 'image' as const, width: 100 } });
  const step = (id: string, overrides: Partial<RunStep> = {}): RunStep => ({
    id,
    parentId: null,
    branch: null,
    position: 0,
    kind: 'image',
    ref: null,
    options: {},
    conditions: null,
    status: 'waiting',
    progress: 0,
    input: null,
    output: null,
    error: null,
    skipReason: null,
    finishedAt: null,
    ...overrides,
  });

  it('lists the started steps as dispatches from waiting, and nothing else', () => {
    const before = [step('a'), step('b', { parentId: 'a', branch: 'next' })];
    const changes = stepChanges(before, startRun(before, file('f1')));
    expect(changes).toEqual([
      {
        step: expect.objectContaining({ id: 'a', status: 'pending', input: file('f1') }),
        from: 'waiting',
        dispatch: true,
      },
    ]);
  });

  it('lists a completion (not dispatched) and the steps it readies', () => {
    const before = [
      step('a', { status: 'processing', input: file('f1') }),
      step('b', { parentId: 'a', branch: 'next' }),
      step('c'),
    ];
    const changes = stepChanges(before, completeStep(before, 'a', file('f2')));
    expect(
      changes.map((c) => [
        c.step.id,
        c.from,
        c.step.status,
        c.dispatch,
        c.step.input?.id ?? null,
        c.step.output?.id ?? null,
      ]),
    ).toEqual([
      ['a', 'processing', 'completed', false, 'f1', 'f2'],
      ['b', 'waiting', 'pending', true, 'f2', null],
    ]);
  });

  it('finds nothing when nothing changed, and refuses a step from nowhere', () => {
    const before = [step('a', { status: 'completed' })];
    expect(stepChanges(before, { steps: before, ready: [] })).toEqual([]);
    expect(() => stepChanges(before, { steps: [step('z')], ready: [] })).toThrow(/from nowhere/);
  });
});
