import type { TaskStatus } from '@mediaflow/contracts';
import type { RunStep } from '@mediaflow/workflow';
import { summariseWorkflowRun } from './run-summary';

/** The run's summary reads nothing of a step but its status. */
const step = (id: string, status: TaskStatus) => ({ id, status }) as RunStep;

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
