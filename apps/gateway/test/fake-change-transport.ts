import type { TaskChange } from '@mediaflow/contracts';
import type { Stoppable } from '@mediaflow/messaging';

/** A transport whose change notifications the test sends (their run: the first task named). */
export function fakeChangeTransport() {
  const fake = {
    follower: undefined as ((change: TaskChange) => void) | undefined,
    stopped: false,
    followChanges: async (handler: (change: TaskChange) => void): Promise<Stoppable> => {
      fake.follower = handler;
      return { stop: async () => void (fake.stopped = true) };
    },
    announce(taskIds: string[], extra: Partial<TaskChange> = {}) {
      fake.follower!({
        v: 1,
        project_id: 'prj_aaaaaaaaaaaaaaaa',
        run_id: taskIds[0]!,
        task_ids: taskIds,
        at: Date.now(),
        ...extra,
      });
    },
  };
  return fake;
}
