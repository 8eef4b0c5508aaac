import {
  MediaflowError,
  projectEvent,
  type ProjectEventRecord,
  type TaskRecord,
  type TaskStatus,
} from '@mediaflow/contracts';
import type { MessageBus, TaskTransport } from '@mediaflow/messaging';
import { fakeChangeTransport } from '../../test/fake-change-transport';
import { taskRecord } from '../../test/task-record';
import { TaskChangeFeed } from './task-change-feed';
import { TaskWaiter } from './task-waiter';

const PROJECT = 'prj_aaaaaaaaaaaaaaaa';
const TASK = 'task_aaaaaaaaaaaaaaaa';

const task = (status: TaskStatus) => taskRecord(status, 0, { started_at: null });

/** A waiter on a feed the test announces on, over a scheduler that answers `states` in turn. */
async function waiterOver(states: (TaskRecord | Error)[], recheckMs = 3_600_000) {
  const transport = fakeChangeTransport();
  const feed = new TaskChangeFeed(transport as unknown as TaskTransport);
  await feed.onModuleInit();
  const bus = {
    reads: 0,
    async request() {
      const next = states[Math.min(bus.reads, states.length - 1)]!;
      bus.reads++;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  const waiter = new TaskWaiter(feed, bus as unknown as MessageBus, {
    MEDIAFLOW_TASK_RECHECK_MS: recheckMs,
  });
  return {
    waiter,
    bus,
    announce: (statuses?: Record<string, TaskStatus>, events?: ProjectEventRecord[]) =>
      transport.announce([TASK], {
        ...(statuses ? { statuses } : {}),
        ...(events ? { events } : {}),
      }),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskWaiter', () => {
  it('answers a task that has already ended at once, reading nothing', async () => {
    const { waiter, bus } = await waiterOver([task('processing')]);
    await expect(waiter.untilEnded(PROJECT, task('failed'), 5000, waiter.mark())).resolves.toEqual(
      task('failed'),
    );
    expect(bus.reads).toBe(0);
  });

  it('reads when a notification names the task, and answers it once it has ended', async () => {
    const { waiter, bus, announce } = await waiterOver([task('processing'), task('completed')]);
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 60_000, waiter.mark());
    announce();
    await nextTurn();
    expect(bus.reads).toBe(1);
    announce();
    await expect(waiting).resolves.toEqual(task('completed'));
    expect(bus.reads).toBe(2);
  });

  it('reads only for a change whose status is final, when the notification gives it', async () => {
    const { waiter, bus, announce } = await waiterOver([task('completed')]);
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 60_000, waiter.mark());
    announce({ [TASK]: 'processing' });
    await nextTurn();
    expect(bus.reads).toBe(0);
    announce({ [TASK]: 'completed' });
    await expect(waiting).resolves.toEqual(task('completed'));
    expect(bus.reads).toBe(1);
  });

  it('skips a read for a change heard before the wait that left the task under way', async () => {
    const { waiter, bus, announce } = await waiterOver([task('completed')]);
    const since = waiter.mark();
    announce({ [TASK]: 'processing' });
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 60_000, since);
    await nextTurn();
    expect(bus.reads).toBe(0);
    announce({ [TASK]: 'completed' });
    await expect(waiting).resolves.toEqual(task('completed'));
    expect(bus.reads).toBe(1);
  });

  it('answers the task a notification carries as it ended, without reading it', async () => {
    const { waiter, bus, announce } = await waiterOver([task('processing')]);
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 60_000, waiter.mark());
    const started = projectEvent(task('processing'));
    announce({ [TASK]: 'processing' }, [started]);
    const ended = { ...task('completed'), progress: 100 };
    announce({ [TASK]: 'completed' }, [projectEvent(ended)]);
    await expect(waiting).resolves.toEqual(ended);
    expect(bus.reads).toBe(0);
  });

  it('does not miss a change made between the request and the wait', async () => {
    const { waiter, announce } = await waiterOver([task('completed')]);
    const since = waiter.mark();
    announce();
    await expect(waiter.untilEnded(PROJECT, task('pending'), 60_000, since)).resolves.toEqual(
      task('completed'),
    );
  });

  it('answers the task as last seen when the wait runs out', async () => {
    const { waiter, announce } = await waiterOver([task('processing')]);
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 50, waiter.mark());
    announce();
    await expect(waiting).resolves.toEqual(task('processing'));
  });

  it('reads on its own every recheck, in case a notification was lost', async () => {
    const { waiter } = await waiterOver([task('processing'), task('cancelled')], 5);
    await expect(
      waiter.untilEnded(PROJECT, task('pending'), 60_000, waiter.mark()),
    ).resolves.toEqual(task('cancelled'));
  });

  it('answers the waits under way, as last seen, when the gateway shuts down', async () => {
    const { waiter, announce } = await waiterOver([task('processing')]);
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 60_000, waiter.mark());
    announce();
    await nextTurn();
    waiter.onModuleDestroy();
    await expect(waiting).resolves.toEqual(task('processing'));
  });

  it('waits out a scheduler that is not answering; any other failure is thrown', async () => {
    const down = new MediaflowError('service_unavailable', 'No service is answering');
    const { waiter, announce } = await waiterOver([down, task('completed')]);
    const waiting = waiter.untilEnded(PROJECT, task('pending'), 60_000, waiter.mark());
    announce();
    await nextTurn();
    announce();
    await expect(waiting).resolves.toEqual(task('completed'));

    const broken = await waiterOver([new MediaflowError('internal', 'a bug')]);
    const failing = broken.waiter.untilEnded(PROJECT, task('pending'), 60_000, 0);
    broken.announce();
    await expect(failing).rejects.toThrow('a bug');
  });
});
