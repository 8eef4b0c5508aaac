import { projectEvent, projectEventId } from './project-event-ids';
import { inEventOrder, projectEventType, type TaskState } from './project-events';
import type { TaskStatus, TaskTree } from './tasks';

const state = (
  status: TaskStatus,
  changes: Partial<Omit<TaskState, 'status'>> = {},
): TaskState => ({
  id: 'task_aaaaaaaaaaaaaaaa',
  status,
  progress: 0,
  attempts: 1,
  started_at: null,
  updated_at: 1_800_000_000,
  ...changes,
});

describe('projectEventType', () => {
  it.each<[string, TaskState, string]>([
    ['a step waiting for its input', state('waiting', { attempts: 0 }), 'task.created'],
    ['a task dispatched, not taken yet', state('pending'), 'task.created'],
    [
      'taken by a worker (or a run, from its start)',
      state('processing', { started_at: 1 }),
      'task.started',
    ],
    ['under way', state('processing', { progress: 40, started_at: 1 }), 'task.progress'],
    ['a run with steps done', state('processing', { progress: 50 }), 'task.progress'],
    ['a retry scheduled', state('pending', { started_at: 1 }), 'task.progress'],
    ['its next attempt dispatched', state('pending', { attempts: 2 }), 'task.progress'],
    ['its next attempt taken', state('processing', { attempts: 2, started_at: 1 }), 'task.started'],
    ['completed', state('completed', { progress: 100 }), 'task.completed'],
    ['failed', state('failed'), 'task.failed'],
    ['cancelled', state('cancelled'), 'task.cancelled'],
    ['skipped', state('skipped', { attempts: 0 }), 'task.skipped'],
  ])('%s', (_name, task, type) => {
    expect(projectEventType(task)).toBe(type);
  });
});

describe('projectEventId', () => {
  it('is an evt_ id, the same for the same change whenever it is seen', () => {
    const id = projectEventId(state('processing', { progress: 40, started_at: 1 }));
    expect(id).toMatch(/^evt_[a-z0-9]{16}$/);
    // updated_at and started_at are no part of it: a later read of the same state names it alike.
    expect(
      projectEventId(state('processing', { progress: 40, started_at: 2, updated_at: 9 })),
    ).toBe(id);
  });

  it('differs with the task, the attempt, the status, the progress or the type', () => {
    const ids = [
      state('processing', { progress: 40, started_at: 1 }),
      state('processing', { progress: 40, started_at: 1, id: 'task_bbbbbbbbbbbbbbbb' }),
      state('processing', { progress: 40, started_at: 1, attempts: 2 }),
      state('processing', { progress: 50, started_at: 1 }),
      state('completed', { progress: 40, started_at: 1 }),
      // The same columns as a new task, but after a start: a retry, another change.
      state('pending'),
      state('pending', { started_at: 1 }),
    ].map((task) => projectEventId(task));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("names a task's creation by the task alone: made waiting, then dispatched, is one creation", () => {
    const made = projectEventId(state('waiting', { attempts: 0 }));
    expect(projectEventId(state('pending'))).toBe(made);
    expect(projectEventId(state('processing', { started_at: 1 }), 'task.created')).toBe(made);
    expect(projectEventId(state('pending', { id: 'task_bbbbbbbbbbbbbbbb' }))).not.toBe(made);
  });
});

describe('projectEvent', () => {
  it('wraps the task in the envelope, dated by its updated_at', () => {
    const task = { ...state('completed', { progress: 100 }), object: 'task' as const };
    expect(projectEvent(task)).toEqual({
      id: projectEventId(task),
      type: 'task.completed',
      created_at: 1_800_000_000,
      data: task,
    });
  });

  it('is the event of the type asked for: a run made and started at once was still created', () => {
    const run = state('processing', { started_at: 1 });
    expect(projectEvent(run, 'task.created')).toMatchObject({
      type: 'task.created',
      id: projectEventId(state('waiting', { attempts: 0 })),
    });
  });
});

describe('inEventOrder', () => {
  const node = (id: string, status: TaskStatus, workflow?: TaskTree<never>[]) =>
    ({ id, status, workflow }) as unknown as TaskTree<never>;

  it('puts the task first while it runs, and last once it has ended', () => {
    const steps = [node('a', 'completed'), node('b', 'processing')];
    expect(inEventOrder(node('run', 'processing', steps)).map((n) => n.id)).toEqual([
      'run',
      'a',
      'b',
    ]);
    expect(inEventOrder(node('run', 'completed', steps)).map((n) => n.id)).toEqual([
      'a',
      'b',
      'run',
    ]);
  });
});
