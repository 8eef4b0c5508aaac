import type { TaskRecord, TaskStatus } from '@mediaflow/contracts';

/**
 * A task as the scheduler answers it, for unit specs: an image task of its
 * own, on its first attempt, started unless it is pending or waiting.
 */
export function taskRecord(
  status: TaskStatus,
  progress = 0,
  changes: Partial<TaskRecord> = {},
): TaskRecord {
  return {
    id: 'task_aaaaaaaaaaaaaaaa',
    object: 'task',
    kind: 'image',
    automation_id: null,
    parent_id: null,
    ref: null,
    input: null,
    options: {},
    status,
    progress,
    output: null,
    error: null,
    skip_reason: null,
    attempts: 1,
    attempt_history: [],
    created_at: 1,
    updated_at: 1,
    started_at: status === 'pending' || status === 'waiting' ? null : 1,
    finished_at: null,
    webhook_url: null,
    ...changes,
  };
}
