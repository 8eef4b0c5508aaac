import type { TaskError, TaskStatus } from '@mediaflow/contracts';
import { bareStep } from '../testing/run-steps';
import type { RunStep, RunSummary } from './run-step';
import { firstFailure, runProgress, summariseRun, summariseSteps } from './summarise-run';

/** Steps with only their statuses set; frozen (nothing in them is nested). */
function steps(statuses: TaskStatus[]): RunStep[] {
  return Object.freeze(
    statuses.map((status, position) =>
      Object.freeze<RunStep>({ ...bareStep(`task_${position}`, status), position, kind: 'video' }),
    ),
  ) as RunStep[];
}

/** Steps with statuses and their own progress. */
function withProgress(...pairs: [TaskStatus, number][]): RunStep[] {
  return pairs.map(([status, progress], position) => ({
    ...bareStep(`task_${position}`, status),
    position,
    progress,
  }));
}

describe('summariseRun: status and progress', () => {
  it.each<[string, TaskStatus[], Pick<RunSummary, 'status' | 'progress'>]>([
    ['nothing started yet', ['waiting', 'waiting'], { status: 'processing', progress: 0 }],
    [
      'one of three done, rounding 33.3 down',
      ['completed', 'pending', 'waiting'],
      { status: 'processing', progress: 33 },
    ],
    [
      'two of three done, rounding 66.7 down',
      ['completed', 'skipped', 'processing'],
      { status: 'processing', progress: 66 },
    ],
    [
      'one of eight done, rounding 12.5 down',
      ['completed', ...Array<TaskStatus>(7).fill('waiting')],
      { status: 'processing', progress: 12 },
    ],
    [
      'a failure while a sibling still runs',
      ['failed', 'processing'],
      { status: 'processing', progress: 50 },
    ],
    ['every step completed', ['completed', 'completed'], { status: 'completed', progress: 100 }],
    [
      'completed and skipped steps',
      ['completed', 'skipped', 'skipped'],
      { status: 'completed', progress: 100 },
    ],
    [
      'every step skipped (no branch matched)',
      ['completed', 'skipped'],
      { status: 'completed', progress: 100 },
    ],
    [
      'any failed step once all are final',
      ['completed', 'failed', 'skipped'],
      { status: 'failed', progress: 100 },
    ],
    [
      'a cancelled run',
      ['completed', 'cancelled', 'cancelled'],
      { status: 'cancelled', progress: 100 },
    ],
    ['cancelled beats failed', ['failed', 'cancelled'], { status: 'cancelled', progress: 100 }],
    [
      'a cancelled step with nothing running',
      ['cancelled', 'waiting'],
      { status: 'cancelled', progress: 50 },
    ],
    [
      'a cancelled step while another is pending',
      ['cancelled', 'pending'],
      { status: 'processing', progress: 50 },
    ],
    [
      'a cancelled step while another is processing',
      ['cancelled', 'processing', 'completed'],
      { status: 'processing', progress: 66 },
    ],
  ])('%s', (_name, statuses, summary) => {
    expect(summariseRun(steps(statuses))).toMatchObject(summary);
  });
});

describe('summariseRun: progress weighs each step by its own', () => {
  it.each<[string, [TaskStatus, number][], number]>([
    ['a transcode half done, alone', [['processing', 50]], 50],
    [
      'a transcode half done beside a finished step',
      [
        ['processing', 50],
        ['completed', 100],
      ],
      75,
    ],
    [
      'a transcode at 7 % with two steps waiting for it',
      [
        ['processing', 7],
        ['waiting', 0],
        ['waiting', 0],
      ],
      2,
    ],
    ['a pending step counts what it reported before a retry was scheduled', [['pending', 30]], 30],
    [
      'a final step counts 100 whatever it last reported',
      [
        ['failed', 40],
        ['skipped', 0],
        ['processing', 0],
      ],
      66,
    ],
    [
      'a running step that reported 100 leaves the run at 99 until it ends',
      [['processing', 100]],
      99,
    ],
  ])('%s', (_name, pairs, progress) => {
    expect(summariseRun(withProgress(...pairs)).progress).toBe(progress);
  });

  it('counts an evaluated conditions step, which completes at once, as 100', () => {
    const evaluated: RunStep = {
      ...bareStep('task_c', 'completed'),
      kind: 'conditions',
      progress: 100,
    };
    expect(runProgress([evaluated, bareStep('task_1', 'waiting', 'task_c')])).toBe(50);
  });

  it('never goes below the progress the run showed before', () => {
    // A retry starts the step's progress again from 0: the run keeps what it had.
    const beforeRetry = summariseRun(withProgress(['processing', 80], ['completed', 100]));
    expect(beforeRetry.progress).toBe(90);
    const afterRetry = summariseRun(
      withProgress(['pending', 0], ['completed', 100]),
      beforeRetry.progress,
    );
    expect(afterRetry).toMatchObject({ status: 'processing', progress: 90 });
    const movingAgain = summariseRun(
      withProgress(['processing', 95], ['completed', 100]),
      afterRetry.progress,
    );
    expect(movingAgain.progress).toBe(97);
  });

  it('rises to 100 once every step has ended, whatever it showed', () => {
    expect(summariseRun(withProgress(['completed', 100], ['skipped', 0]), 99).progress).toBe(100);
  });
});

describe('summariseRun: step counts', () => {
  it('counts the steps in each status, every status present', () => {
    expect(
      summariseRun(
        steps(['completed', 'completed', 'skipped', 'failed', 'processing', 'pending', 'waiting']),
      ).steps,
    ).toEqual({
      completed: 2,
      failed: 1,
      skipped: 1,
      cancelled: 0,
      processing: 1,
      pending: 1,
      waiting: 1,
    });
  });

  it('has a zero for every status of an empty list', () => {
    expect(summariseSteps([])).toEqual({
      pending: 0,
      waiting: 0,
      processing: 0,
      completed: 0,
      failed: 0,
      skipped: 0,
      cancelled: 0,
    });
  });
});

describe('summariseRun: the error of a failed run', () => {
  const error = (code: TaskError['code'], message: string): TaskError => ({ code, message });

  /** A failed step, `finishedAt` ms, with its place in the tree. */
  function failed(
    id: string,
    finishedAt: number | null,
    place: Partial<RunStep> = {},
    stepError: TaskError | null = error('input_unreadable', `${id} could not read its input`),
  ): RunStep {
    return { ...bareStep(id, 'failed'), finishedAt, error: stepError, ...place };
  }

  it('is the failure that came first, naming its step', () => {
    const steps = [
      failed('task_a', 2_000, { position: 0, ref: 'hd' }),
      failed('task_b', 1_000, { position: 1, kind: 'audio' }, error('no_audio_stream', 'No sound')),
    ];
    expect(summariseRun(steps)).toMatchObject({
      status: 'failed',
      error: {
        code: 'no_audio_stream',
        message: 'No sound',
        step: { id: 'task_b', ref: null, kind: 'audio' },
      },
    });
  });

  it('takes the first in the workflow order among failures at the same moment', () => {
    // Rows come back in another order than the tree's: the next step of the first top-level step comes before the second.
    const steps = [
      failed('task_second', 1_000, { position: 1 }),
      { ...bareStep('task_first', 'completed'), position: 0 },
      failed('task_below_first', 1_000, { parentId: 'task_first', branch: 'next', position: 0 }),
    ];
    expect(firstFailure(steps)?.step?.id).toBe('task_below_first');
  });

  it('puts a step failed by the change being made (no time yet) after those failed before', () => {
    const steps = [
      failed('task_now', null, { position: 0 }),
      failed('task_before', 5_000, { position: 1 }),
    ];
    expect(firstFailure(steps)?.step?.id).toBe('task_before');
  });

  it('is null while the run is not failed, failures or not', () => {
    expect(summariseRun([failed('task_a', 1_000), bareStep('task_b', 'processing')]).error).toBe(
      null,
    );
    expect(summariseRun(steps(['completed', 'skipped'])).error).toBe(null);
    expect(summariseRun([failed('task_a', 1_000), bareStep('task_b', 'cancelled')]).error).toBe(
      null,
    );
  });
});
