import type { TaskStatus } from '@mediaflow/contracts';
import { bareStep } from '../testing/run-steps';
import type { RunStep, RunSummary } from './run-step';
import { summariseRun } from './summarise-run';

/** Steps with only their statuses set; frozen (nothing in them is nested). */
function steps(statuses: TaskStatus[]): RunStep[] {
  return Object.freeze(
    statuses.map((status, position) =>
      Object.freeze<RunStep>({ ...bareStep(`task_${position}`, status), position, kind: 'video' }),
    ),
  ) as RunStep[];
}

describe('summariseRun', () => {
  it.each<[string, TaskStatus[], RunSummary]>([
    ['nothing started yet', ['waiting', 'waiting'], { status: 'processing', progress: 0 }],
    [
      'one of three done, rounding 33.3 down',
      ['completed', 'pending', 'waiting'],
      { status: 'processing', progress: 33 },
    ],
    [
      'two of three done, rounding 66.7 up',
      ['completed', 'skipped', 'processing'],
      { status: 'processing', progress: 67 },
    ],
    [
      'one of eight done, rounding 12.5 up',
      ['completed', ...Array<TaskStatus>(7).fill('waiting')],
      { status: 'processing', progress: 13 },
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
      { status: 'processing', progress: 67 },
    ],
  ])('%s', (_name, statuses, summary) => {
    expect(summariseRun(steps(statuses))).toEqual(summary);
  });
});
