import type { TaskStatus } from '@mediaflow/contracts';
import type { RunStep } from '@mediaflow/workflow';
import { cancelSubtree, skipUnfinished, summariseWorkflowRun } from './run-changes';

const step = (id: string, status: TaskStatus, parentId: string | null = null): RunStep => ({
  id,
  parentId,
  branch: parentId ? 'next' : null,
  position: 0,
  kind: 'image',
  ref: null,
  options: {},
  conditions: null,
  status,
  input: null,
  output: null,
});
const statuses = (steps: readonly RunStep[]) =>
  Object.fromEntries(steps.map((s) => [s.id, s.status]));

describe('cancelSubtree', () => {
  // a → b → c, a → d (completed); e is a sibling of a. Listed out of order on purpose.
  const steps = [
    step('c', 'waiting', 'b'),
    step('a', 'completed'),
    step('b', 'processing', 'a'),
    step('d', 'completed', 'a'),
    step('e', 'processing'),
  ];

  it('cancels the step and what is unfinished below it, not its siblings or finished steps', () => {
    const advance = cancelSubtree(steps, 'b');
    expect(statuses(advance.steps)).toEqual({
      a: 'completed',
      b: 'cancelled',
      c: 'cancelled',
      d: 'completed',
      e: 'processing',
    });
    expect(advance.ready).toEqual([]);
  });

  it('cancels down a whole branch from its top', () => {
    expect(statuses(cancelSubtree(steps, 'a').steps)).toEqual({
      a: 'completed',
      b: 'cancelled',
      c: 'cancelled',
      d: 'completed',
      e: 'processing',
    });
  });

  it('leaves the steps it was given alone', () => {
    cancelSubtree(steps, 'b');
    expect(steps.find((s) => s.id === 'b')!.status).toBe('processing');
  });
});

describe('skipUnfinished', () => {
  it('skips every step not yet final', () => {
    const advance = skipUnfinished([
      step('a', 'waiting'),
      step('b', 'completed'),
      step('c', 'pending'),
      step('d', 'cancelled'),
    ]);
    expect(statuses(advance.steps)).toEqual({
      a: 'skipped',
      b: 'completed',
      c: 'skipped',
      d: 'cancelled',
    });
  });
});

describe('summariseWorkflowRun', () => {
  it.each<[string, TaskStatus | null, TaskStatus[], { status: string; progress: number }]>([
    [
      'under way while the source is still being fetched, whatever the steps say',
      'processing',
      ['cancelled', 'waiting'],
      { status: 'processing', progress: 50 },
    ],
    [
      'the engine decides once the source is in',
      'completed',
      ['cancelled', 'waiting'],
      { status: 'cancelled', progress: 50 },
    ],
    [
      'completed when every step is',
      'completed',
      ['completed', 'skipped'],
      { status: 'completed', progress: 100 },
    ],
    [
      'failed when a step failed',
      'completed',
      ['completed', 'failed'],
      { status: 'failed', progress: 100 },
    ],
    [
      'without an ingest, the engine decides',
      null,
      ['completed', 'processing'],
      { status: 'processing', progress: 50 },
    ],
  ])('%s', (_name, ingest, stepStatuses, expected) => {
    const run = { ingest: ingest ? ({ status: ingest } as never) : null };
    expect(
      summariseWorkflowRun(
        run,
        stepStatuses.map((s, i) => step(`s${i}`, s)),
      ),
    ).toEqual(expected);
  });
});
