import {
  newId,
  type TaskChange,
  type TaskDispatch,
  type TaskEvent,
  type TaskKind,
} from '@mediaflow/contracts';

/** A valid dispatch of a fresh task. */
export function taskDispatch(
  kind: TaskKind = 'image',
  overrides: Partial<TaskDispatch> = {},
): TaskDispatch {
  return {
    v: 1,
    task_id: newId('task'),
    attempt: 1,
    project_id: newId('prj'),
    kind,
    options: { width: 100 },
    input: null,
    source_url: null,
    ref: null,
    ...overrides,
  };
}

/** A `started` event, or a `progress` one at `progress` percent. */
export function taskEvent(taskId: string, type: 'started' | 'progress', progress = 0): TaskEvent {
  const base = {
    v: 1 as const,
    task_id: taskId,
    attempt: 1,
    kind: 'image' as const,
    at: Date.now(),
  };
  return type === 'started' ? { ...base, type } : { ...base, type, progress };
}

/** How a test names an event it saw. */
export function eventLabel(event: TaskEvent): string {
  return event.type === 'progress' ? `progress ${event.progress}` : event.type;
}

/** A change notification for a run and some of its tasks (the run itself when none are given). */
export function taskChange(runId = newId('task'), taskIds: string[] = [runId]): TaskChange {
  return { v: 1, project_id: newId('prj'), run_id: runId, task_ids: taskIds, at: Date.now() };
}
