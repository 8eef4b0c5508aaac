import { metricsRegistry } from '@mediaflow/observability';
import { Counter, Histogram } from 'prom-client';
import type { TaskOutcome } from './task-runner';

function createTaskMetrics() {
  return {
    tasks: new Counter({
      name: 'mediaflow_tasks_total',
      help: 'Task attempts a worker finished, by kind and outcome (completed, failed, cancelled)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [metricsRegistry],
    }),
    duration: new Histogram({
      name: 'mediaflow_task_duration_seconds',
      help: 'How long task attempts took in a worker, from pick-up to the final event, by kind',
      labelNames: ['kind'] as const,
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [metricsRegistry],
    }),
  };
}

// One set per process: a registry refuses a second metric of the same name.
let metrics: ReturnType<typeof createTaskMetrics> | undefined;

/** Counts and times one finished attempt. */
export function recordTaskOutcome({ kind, outcome, seconds }: TaskOutcome): void {
  metrics ??= createTaskMetrics();
  metrics.tasks.inc({ kind, outcome });
  metrics.duration.observe({ kind }, seconds);
}
