import { metricsRegistry } from '@mediaflow/observability';
import { recordTaskOutcome } from './task-metrics';

describe('recordTaskOutcome', () => {
  it('counts attempts by kind and outcome and times them by kind, on the service registry', async () => {
    recordTaskOutcome({ kind: 'image', outcome: 'completed', seconds: 0.3 });
    recordTaskOutcome({ kind: 'image', outcome: 'completed', seconds: 2 });
    recordTaskOutcome({ kind: 'video', outcome: 'failed', seconds: 40 });
    const text = await metricsRegistry.metrics();
    expect(text).toContain('mediaflow_tasks_total{kind="image",outcome="completed"} 2');
    expect(text).toContain('mediaflow_tasks_total{kind="video",outcome="failed"} 1');
    expect(text).toContain('mediaflow_task_duration_seconds_bucket{le="0.5",kind="image"} 1');
    expect(text).toContain('mediaflow_task_duration_seconds_count{kind="video"} 1');
  });
});
