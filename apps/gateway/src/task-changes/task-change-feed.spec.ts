import type { TaskTransport } from '@mediaflow/messaging';
import { projectEvent } from '@mediaflow/contracts';
import { fakeChangeTransport } from '../../test/fake-change-transport';
import { taskRecord } from '../../test/task-record';
import { TaskChangeFeed } from './task-change-feed';

const RUN = 'task_runaaaaaaaaaaaa';
const STEP = 'task_stepaaaaaaaaaaa';
const OTHER = 'task_otheraaaaaaaaaa';

async function openFeed() {
  const transport = fakeChangeTransport();
  const feed = new TaskChangeFeed(transport as unknown as TaskTransport);
  await feed.onModuleInit();
  return { feed, transport };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskChangeFeed', () => {
  it('wakes the watchers of the tasks a change names, each once', async () => {
    const { feed, transport } = await openFeed();
    const run = jest.fn();
    const other = jest.fn();
    feed.watch([RUN, STEP], run, feed.mark());
    feed.watch([OTHER], other, feed.mark());
    transport.announce([RUN, STEP]);
    transport.announce([STEP]);
    expect(run).toHaveBeenCalledTimes(2);
    expect(other).not.toHaveBeenCalled();
  });

  it('stops waking a watcher once it stops watching', async () => {
    const { feed, transport } = await openFeed();
    const wake = jest.fn();
    const unwatch = feed.watch([STEP], wake, feed.mark());
    unwatch();
    transport.announce([STEP]);
    expect(wake).not.toHaveBeenCalled();
  });

  it('wakes at once a watcher whose task changed between its mark and its watch', async () => {
    const { feed, transport } = await openFeed();
    transport.announce([STEP]);
    const since = feed.mark();
    // Before the mark: the first read after it saw that one.
    const early = jest.fn();
    feed.watch([STEP], early, since);
    transport.announce([STEP], { created: true });
    const created = jest.fn();
    feed.watch([STEP], created, since);
    transport.announce([OTHER, STEP]);
    const late = jest.fn();
    const unwatched = jest.fn();
    feed.watch([RUN, STEP], late, since);
    feed.watch([STEP], unwatched, since)();
    await nextTurn();
    // Woken by the two notifications while watching, not by the one before the mark.
    expect(early).toHaveBeenCalledTimes(2);
    // A new task's own creation is news to nobody: woken only by the change after.
    expect(created).toHaveBeenCalledTimes(1);
    expect(late).toHaveBeenCalledTimes(1);
    expect(unwatched).not.toHaveBeenCalled();
  });

  it("hands a watcher the change's statuses and events; a missed change, neither", async () => {
    const { feed, transport } = await openFeed();
    transport.announce([STEP]);
    const since = feed.mark() - 1;
    const wake = jest.fn();
    feed.watch([STEP], wake, since);
    await nextTurn();
    expect(wake).toHaveBeenLastCalledWith({ statuses: { [STEP]: undefined }, events: [] });
    const event = projectEvent(taskRecord('completed', 100, { id: STEP }));
    transport.announce([STEP], { statuses: { [STEP]: 'completed' }, events: [event] });
    expect(wake).toHaveBeenLastCalledWith({ statuses: { [STEP]: 'completed' }, events: [event] });
  });

  it("tells a project's followers every change of it, and no other project's", async () => {
    const { feed, transport } = await openFeed();
    const follower = jest.fn();
    const stop = feed.followProject('prj_aaaaaaaaaaaaaaaa', follower);
    const elsewhere = jest.fn();
    feed.followProject('prj_bbbbbbbbbbbbbbbb', elsewhere);
    transport.announce([RUN, STEP], { created: true });
    transport.announce([OTHER]);
    expect(follower.mock.calls.map(([change]) => change.task_ids)).toEqual([[RUN, STEP], [OTHER]]);
    stop();
    transport.announce([RUN]);
    expect(follower).toHaveBeenCalledTimes(2);
    expect(elsewhere).not.toHaveBeenCalled();
  });

  it('stops following when the module is destroyed', async () => {
    const { feed, transport } = await openFeed();
    await feed.onModuleDestroy();
    expect(transport.stopped).toBe(true);
  });
});
