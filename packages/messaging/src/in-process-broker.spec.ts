import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type TaskDispatch } from '@mediaflow/contracts';
import { InProcessBroker, type InProcessBrokerOptions } from './in-process-broker';
import { JOURNAL_FILE } from './in-process-journal';
import type { InProcessTaskTransportOptions } from './in-process-task-transport';
import type { WorkControl } from './task-transport';
import { eventLabel, taskDispatch, taskEvent } from './testing/task-fixtures';
import { waitFor } from './testing/wait-for';

// The journal: what a broker opened again on the same directory still has.
jest.setTimeout(60_000);
let dir: string;
const brokers: InProcessBroker[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mediaflow-journal-'));
});
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function openBroker(
  options: Omit<InProcessBrokerOptions, 'dir'> = {},
): Promise<InProcessBroker> {
  const broker = await InProcessBroker.open({ dir, ...options });
  brokers.push(broker);
  return broker;
}

function transport(broker: InProcessBroker, options: Partial<InProcessTaskTransportOptions> = {}) {
  return broker.taskTransport({
    name: 'test',
    ackWaitMs: 60_000,
    eventRetryDelayMs: 50,
    ...options,
  });
}

/** Consumes image work until stopped, recording what came and acking unless told not to. */
async function collectWork(
  broker: InProcessBroker,
  options: {
    ack?: (d: TaskDispatch, control: WorkControl) => boolean;
    transport?: Partial<InProcessTaskTransportOptions>;
  } = {},
) {
  const seen: Array<{ task_id: string; deliveries: number }> = [];
  await transport(broker, options.transport).consumeWork({ image: 4 }, async (d, control) => {
    seen.push({ task_id: d.task_id, deliveries: control.deliveries });
    if (options.ack?.(d, control) ?? true) control.ack();
  });
  return seen;
}

const journalSize = () => statSync(join(dir, JOURNAL_FILE)).size;

describe('InProcessBroker journal', () => {
  it('delivers after a restart what was dispatched before it', async () => {
    const before = await openBroker();
    const sent = [taskDispatch('image'), taskDispatch('image')];
    for (const d of sent) await transport(before).dispatch(d);
    await before.close();

    const after = await openBroker();
    expect(after.stats().work).toBe(2);
    const seen = await collectWork(after);
    await waitFor(() => seen.length === 2, 'both dispatches');
    expect(seen).toEqual(sent.map((d) => ({ task_id: d.task_id, deliveries: 1 })));
  });

  it('does not deliver again after a restart what was acked', async () => {
    const before = await openBroker();
    const acked = taskDispatch('image');
    const seen = await collectWork(before);
    await transport(before).dispatch(acked);
    await waitFor(() => seen.length === 1 && before.stats().work === 0, 'the ack');
    await before.close();

    const after = await openBroker();
    expect(after.stats().work).toBe(0);
    const later = taskDispatch('image');
    const seenAfter = await collectWork(after);
    await transport(after).dispatch(later);
    await waitFor(() => seenAfter.length === 1, 'the dispatch after the restart');
    expect(seenAfter).toEqual([{ task_id: later.task_id, deliveries: 1 }]);
  });

  it('delivers again after a restart, as a further delivery, what was in hand and not acked', async () => {
    const before = await openBroker();
    const inHand = taskDispatch('image');
    const seen = await collectWork(before, { ack: () => false });
    await transport(before).dispatch(inHand);
    await waitFor(() => seen.length === 1, 'the first delivery');
    // The process goes down with the work in hand: its ack wait (a minute) never ran out.
    await before.close();

    const after = await openBroker();
    const seenAfter = await collectWork(after);
    await waitFor(() => seenAfter.length === 1, 'the redelivery');
    expect(seenAfter).toEqual([{ task_id: inHand.task_id, deliveries: 2 }]);
  });

  it('gives up after a restart what had had its last delivery', async () => {
    const before = await openBroker();
    const seen = await collectWork(before, { ack: () => false, transport: { maxDeliver: 1 } });
    await transport(before).dispatch(taskDispatch('image'));
    await waitFor(() => seen.length === 1, 'the only delivery');
    await before.close();

    const errors: string[] = [];
    const after = await openBroker();
    const next = taskDispatch('image');
    const seenAfter = await collectWork(after, {
      transport: { maxDeliver: 1, onError: (context) => errors.push(context) },
    });
    await transport(after).dispatch(next);
    await waitFor(() => seenAfter.length === 1, 'the next dispatch');
    expect(seenAfter).toEqual([{ task_id: next.task_id, deliveries: 1 }]);
    expect(errors).toEqual([
      'work on tasks.run.image was delivered 1 times and never acked; giving it up',
    ]);
  });

  it('remembers dispatch ids across a restart, within the duplicate window', async () => {
    const sent = taskDispatch('image');
    const before = await openBroker();
    const seen = await collectWork(before);
    await transport(before).dispatch(sent);
    await waitFor(() => before.stats().work === 0, 'the ack');
    await before.close();

    const after = await openBroker();
    await transport(after).dispatch(sent);
    expect(after.stats()).toMatchObject({ work: 0, duplicateIds: 1 });
    await transport(after).dispatch({ ...sent, attempt: 2 });
    expect(after.stats().work).toBe(1);
    expect(seen).toHaveLength(1);
  });

  it('forgets dispatch ids after the duplicate window', async () => {
    const broker = await openBroker({ duplicateWindowMs: 50 });
    const sent = taskDispatch('image');
    await transport(broker).dispatch(sent);
    await transport(broker).dispatch(sent);
    expect(broker.stats().work).toBe(1);
    const seen = await collectWork(broker);
    await waitFor(() => broker.stats().work === 0, 'the ack');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await transport(broker).dispatch(sent);
    await waitFor(() => seen.length === 2, 'the same attempt, accepted again');
    expect(broker.stats().duplicateIds).toBe(1);
  });

  it('resumes a durable event consumer where it was, across a restart', async () => {
    const taskId = newId('task');
    const before = await openBroker();
    const seen: string[] = [];
    await transport(before).consumeEvents('scheduler', async (e) => void seen.push(eventLabel(e)));
    await transport(before).publishEvent(taskEvent(taskId, 'started'));
    await transport(before).publishEvent(taskEvent(taskId, 'progress', 10));
    await waitFor(() => seen.length === 2, 'the first events');
    await before.close();

    // Published while the consumer is away, to a broker with the same journal.
    const between = await openBroker();
    await transport(between).publishEvent(taskEvent(taskId, 'progress', 20));
    await between.close();

    const after = await openBroker();
    const seenAfter: string[] = [];
    await transport(after).consumeEvents(
      'scheduler',
      async (e) => void seenAfter.push(eventLabel(e)),
    );
    await transport(after).publishEvent(taskEvent(taskId, 'progress', 30));
    await waitFor(() => seenAfter.length === 2, 'the events after');
    expect(seenAfter).toEqual(['progress 20', 'progress 30']);
  });

  it('counts the deliveries of a failing event across a restart, and gives it up at eventMaxDeliver', async () => {
    const taskId = newId('task');
    const errors: string[] = [];
    const options = { eventMaxDeliver: 2, onError: (context: string) => errors.push(context) };
    const before = await openBroker();
    let tries = 0;
    await transport(before, options).consumeEvents('scheduler', async () => {
      tries++;
      throw new Error('database away');
    });
    await transport(before).publishEvent(taskEvent(taskId, 'started'));
    await waitFor(() => tries === 1, 'the first try');
    await before.close();

    const after = await openBroker();
    const seen: string[] = [];
    await transport(after, options).consumeEvents('scheduler', async (e) => {
      seen.push(eventLabel(e));
      if (e.type === 'started') throw new Error('database away');
    });
    await transport(after).publishEvent(taskEvent(taskId, 'progress', 50));
    await waitFor(() => seen.length === 2, 'the last try and the next event');
    expect(seen).toEqual(['started', 'progress 50']);
    expect(errors).toEqual([
      'event handler for tasks.events.image',
      'event handler for tasks.events.image failed 2 times; giving the event up',
    ]);
  });

  it('delivers again after a restart the events that were in hand, and none that were acked', async () => {
    const [a, b, c, d] = [newId('task'), newId('task'), newId('task'), newId('task')];
    const before = await openBroker();
    const tried: string[] = [];
    // a and c fail, and wait a minute for their redelivery; b and d are acked, out of publish order.
    await transport(before, { eventRetryDelayMs: 60_000 }).consumeEvents(
      'scheduler',
      async (e) => {
        tried.push(e.task_id);
        if (e.task_id === a || e.task_id === c) throw new Error('database away');
      },
      { concurrency: 4 },
    );
    for (const id of [a, b, c, d]) await transport(before).publishEvent(taskEvent(id, 'started'));
    await waitFor(() => tried.length === 4, 'the four events');
    await before.close();

    const after = await openBroker();
    const seen: string[] = [];
    await transport(after).consumeEvents('scheduler', async (e) => void seen.push(e.task_id), {
      concurrency: 4,
    });
    await waitFor(() => seen.length === 2, 'the two events in hand at the restart');
    expect(seen).toEqual([a, c]);
    const next = newId('task');
    await transport(after).publishEvent(taskEvent(next, 'started'));
    await waitFor(() => seen.length >= 3, 'the next event');
    expect(seen).toEqual([a, c, next]);
    await after.close();
    // Compacted at open: every event acked, none kept.
    const last = await openBroker();
    expect(last.stats()).toMatchObject({ events: 0, durableConsumers: 1 });
  });

  it("reads a consumer's position from a journal of format 1, its delivery count included", async () => {
    const taskId = newId('task');
    const event = (seq: number, e: ReturnType<typeof taskEvent>) =>
      JSON.stringify({
        t: 'event',
        seq,
        subject: 'tasks.events.image',
        at: Date.now(),
        payload: JSON.stringify(e),
      });
    writeFileSync(
      join(dir, JOURNAL_FILE),
      [
        JSON.stringify({ t: 'journal', v: 1, workSeq: 0, eventSeq: 2 }),
        event(1, taskEvent(taskId, 'started')),
        event(2, taskEvent(taskId, 'progress', 50)),
        // Past event 0, event 1 delivered once and not acked.
        JSON.stringify({ t: 'durable', name: 'scheduler', passed: 0, seq: 1, deliveries: 1 }),
        '',
      ].join('\n'),
    );
    const errors: string[] = [];
    const broker = await openBroker();
    const seen: string[] = [];
    await transport(broker, {
      eventMaxDeliver: 2,
      onError: (context) => errors.push(context),
    }).consumeEvents('scheduler', async (e) => {
      seen.push(eventLabel(e));
      if (e.type === 'started') throw new Error('database away');
    });
    await waitFor(() => seen.length === 2, 'the last try and the next event');
    expect(seen).toEqual(['started', 'progress 50']);
    expect(errors).toEqual([
      'event handler for tasks.events.image failed 2 times; giving the event up',
    ]);
  });

  it('keeps the journal small: acked work is compacted away when the broker opens', async () => {
    const broker = await openBroker({ duplicateWindowMs: 1 });
    const seen = await collectWork(broker);
    for (let i = 0; i < 300; i++) await transport(broker).dispatch(taskDispatch('image'));
    await waitFor(() => seen.length === 300 && broker.stats().work === 0, 'every dispatch acked');
    const grown = journalSize();
    await broker.close();

    const reopened = await openBroker({ duplicateWindowMs: 1 });
    expect(reopened.stats()).toEqual({ work: 0, events: 0, durableConsumers: 0, duplicateIds: 0 });
    expect(grown).toBeGreaterThan(100_000);
    // The header alone.
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('keeps the journal small while running: it compacts after a number of records', async () => {
    const broker = await openBroker({ duplicateWindowMs: 1, compactAfterRecords: 200 });
    const seen = await collectWork(broker);
    const taskId = newId('task');
    let handled = 0;
    await transport(broker).consumeEvents('scheduler', async () => void handled++);
    let largest = 0;
    for (let i = 0; i < 1_000; i++) {
      await transport(broker).dispatch(taskDispatch('image'));
      await transport(broker).publishEvent(taskEvent(taskId, 'progress', i % 100));
      if (i % 50 === 49) {
        await waitFor(() => seen.length === i + 1 && handled === i + 1, 'the batch handled');
        // A turn of the event loop for the compaction that is due.
        await new Promise((resolve) => setImmediate(resolve));
        largest = Math.max(largest, journalSize());
      }
    }
    // Written in all: well over a megabyte (about 500 bytes a dispatch and its event, with their acks).
    expect(largest).toBeLessThan(150_000);
    expect(broker.stats()).toMatchObject({ work: 0, events: 0 });
  });

  it('keeps events a durable consumer has not read, and none every consumer is past', async () => {
    const taskId = newId('task');
    const broker = await openBroker();
    // No durable consumer yet: kept for the first one.
    await transport(broker).publishEvent(taskEvent(taskId, 'started'));
    await broker.close();
    const reopened = await openBroker();
    expect(reopened.stats().events).toBe(1);
    const seen: string[] = [];
    await transport(reopened).consumeEvents(
      'scheduler',
      async (e) => void seen.push(eventLabel(e)),
    );
    await waitFor(
      () => seen.length === 1 && reopened.stats().events === 0,
      'the event read and dropped',
    );
    await reopened.close();
    const last = await openBroker();
    expect(last.stats()).toMatchObject({ events: 0, durableConsumers: 1 });
  });

  it('drops events older than the max age, read or not', async () => {
    const broker = await openBroker({ eventMaxAgeMs: 50 });
    const taskId = newId('task');
    for (let i = 0; i < 10; i++)
      await transport(broker).publishEvent(taskEvent(taskId, 'progress', i));
    expect(broker.stats().events).toBe(10);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await transport(broker).publishEvent(taskEvent(taskId, 'progress', 99));
    expect(broker.stats().events).toBe(1);
  });

  it('ignores a torn last line, as a crash in the middle of a write leaves it', async () => {
    const before = await openBroker();
    const sent = [taskDispatch('image'), taskDispatch('image')];
    for (const d of sent) await transport(before).dispatch(d);
    await before.close();
    // Half of a third dispatch's record: the write the crash interrupted; its caller was never told.
    const torn = JSON.stringify({
      t: 'work',
      seq: 3,
      subject: 'tasks.run.image',
      id: 'x',
      at: Date.now(),
      payload: '{}',
    });
    appendFileSync(join(dir, JOURNAL_FILE), torn.slice(0, torn.length / 2));

    const after = await openBroker();
    expect(after.stats().work).toBe(2);
    // The torn line is gone for good: what is appended now reads back.
    await transport(after).dispatch(taskDispatch('image'));
    await after.close();
    const again = await openBroker();
    expect(again.stats().work).toBe(3);
    const seen = await collectWork(again);
    await waitFor(() => seen.length === 3, 'the three dispatches');
    expect(seen.slice(0, 2).map((s) => s.task_id)).toEqual(sent.map((d) => d.task_id));
  });

  it('refuses to open a journal damaged before its last line', async () => {
    const before = await openBroker();
    await transport(before).dispatch(taskDispatch('image'));
    await before.close();
    const path = join(dir, JOURNAL_FILE);
    const lines = readFileSync(path, 'utf8').split('\n');
    appendFileSync(path, 'garbage\n' + lines[1] + '\n');
    await expect(InProcessBroker.open({ dir })).rejects.toThrow(
      /journal.jsonl line 3 is not a journal record/,
    );
  });

  it('refuses a second broker on the same directory in one process', async () => {
    await openBroker();
    await expect(InProcessBroker.open({ dir })).rejects.toThrow(
      /already has .* open in this process/,
    );
  });

  it('hands back, uncounted, work that reached a consumer as it was stopping', async () => {
    const broker = await openBroker();
    const t = transport(broker);
    const handler = jest.fn(async () => undefined);
    const consumer = await t.consumeWork({ image: 1 }, handler);
    const sent = taskDispatch('image');
    // Handed to the waiting consumer within the dispatch call, which the stop follows before the consumer runs again.
    const dispatched = t.dispatch(sent);
    await consumer.stop();
    await dispatched;
    expect(handler).not.toHaveBeenCalled();
    expect(broker.stats().work).toBe(1);
    await broker.close();

    const after = await openBroker();
    const seen = await collectWork(after);
    await waitFor(() => seen.length === 1, 'the dispatch');
    expect(seen).toEqual([{ task_id: sent.task_id, deliveries: 1 }]);
  });
});
