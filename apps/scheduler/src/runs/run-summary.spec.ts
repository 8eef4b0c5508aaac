import type { TaskStatus } from '@mediaflow/contracts';
import type { RunStep } from '@mediaflow/workflow';
import { summariseWorkflowRun } from './run-summary';

/** The run's summary reads a step's status and, while it runs, its progress. */
const step = (id: string, status: TaskStatus) => ({ id, status, progress: 0 }) as RunStep;

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
    ).toMatchObject(expected);
  });

  it('never shows less progress than the run had', () => {
    const run = { ingest: null };
    expect(summariseWorkflowRun(run, [step('s0', 'waiting')], 40).progress).toBe(40);
  });

  it('has no error while its source is still being fetched', () => {
    const run = { ingest: { status: 'processing' } as never };
    expect(summariseWorkflowRun(run, [step('s0', 'failed')]).error).toBeNull();
  });
});
