import { setTimeout as sleep } from 'node:timers/promises';
import {
  newId,
  type TaskCancel,
  type TaskChange,
  type TaskDispatch,
  type TaskEvent,
} from '@mediaflow/contracts';
import type { InProcessTaskTransportOptions } from '../in-process-task-transport';
import type { TaskTransport, WorkControl } from '../task-transport';
import { eventLabel, taskChange, taskDispatch, taskEvent } from './task-fixtures';
import { waitFor } from './wait-for';

/** The options every driver's transport takes, `name` included but optional here. */
export type TaskTransportTestOptions = Partial<InProcessTaskTransportOptions>;

/** One isolated installation of a driver: its transports share queues and events with each other only. */
export interface TaskTransportInstallation {
  /** The ack wait the tests give transports unless they say otherwise: short, so redeliveries come soon. */
  readonly ackWaitMs: number;
  /** The transport of another service of the installation, set up. */
  open(options?: TaskTransportTestOptions): Promise<TaskTransport>;
  /** Stores bytes as they are on a contract subject (`tasks.run.image`), as a broken publisher would. */
  publishRaw(subject: string, payload: Uint8Array): Promise<void>;
  /** The subject the driver reports a contract subject as (with the installation's prefix, say). */
  subject(subject: string): string;
  /** Work messages stored: not acked, terminated or given up yet. */
  storedWork(): Promise<number>;
  /** Closes whatever is still open and removes what the installation left. */
  cleanup(): Promise<void>;
}

const TEST_TIMEOUT_MS = 90_000;

/** Whether a message came again, counted as such. */
function redelivered(deliveries: ReadonlyArray<{ deliveries: number }>): boolean {
  return deliveries.some((d) => d.deliveries > 1);
}

/**
 * What a worker may rely on in `deliveries`: 1 the first time, never less
 * after, more once it comes again. Not exactly one more each time: under
 * load nats-server 2.9 has been seen to hand one delivery out twice under
 * the same count (the in-process driver's own tests check its exact counts).
 */
function expectCounted(deliveries: readonly number[]): void {
  expect(deliveries[0]).toBe(1);
  expect([...deliveries].sort((a, b) => a - b)).toEqual(deliveries);
  expect(deliveries.at(-1)).toBeGreaterThan(1);
}

/**
 * What every TaskTransport driver does, run against each of them (JetStream,
 * in-process) so that the scheduler and the workers behave the same
 * whichever they are given. Tests wait on conditions, never on the clock;
 * the few lower bounds they check (a redelivery not before the ack wait)
 * hold however slow the machine is.
 */
export function describeTaskTransportContract(
  name: string,
  install: () => Promise<TaskTransportInstallation>,
): void {
  describe(`${name}: the TaskTransport contract`, () => {
    let installation: TaskTransportInstallation;
    const open = (options: TaskTransportTestOptions = {}) => installation.open(options);
    const stored = () => installation.storedWork();
    beforeEach(async () => {
      installation = await install();
    });
    afterEach(async () => {
      await installation.cleanup();
    });

    describe('work', () => {
      it(
        'delivers a dispatch once to the worker of its kind, which removes it by acking',
        async () => {
          const transport = await open();
          const sent = taskDispatch('image');
          const received: Array<{ dispatch: TaskDispatch; deliveries: number }> = [];
          await transport.consumeWork({ image: 1, video: 1 }, async (d, control) => {
            received.push({ dispatch: d, deliveries: control.deliveries });
            control.ack();
          });
          await transport.dispatch(sent);
          await waitFor(() => received.length === 1, 'the dispatch');
          expect(received[0]).toEqual({ dispatch: sent, deliveries: 1 });
          // Acked: gone from the queue, so nothing can deliver it again.
          await waitFor(async () => (await stored()) === 0, 'the ack to remove it');
          expect(received).toHaveLength(1);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'drops a second publish of the same attempt, but not a new attempt',
        async () => {
          const transport = await open();
          const first = taskDispatch('image');
          await transport.dispatch(first);
          await transport.dispatch(first);
          await transport.dispatch({ ...first, attempt: 2 });
          expect(await stored()).toBe(2);
          const attempts: number[] = [];
          await transport.consumeWork({ image: 2 }, async (d, control) => {
            attempts.push(d.attempt);
            control.ack();
          });
          await waitFor(
            async () => attempts.length === 2 && (await stored()) === 0,
            'both attempts acked',
          );
          expect(attempts.sort()).toEqual([1, 2]);
          // Still within the window after the first was acked and gone.
          await transport.dispatch(first);
          expect(await stored()).toBe(0);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'delivers again, not before the ack wait, what a worker took and never acked',
        async () => {
          const transport = await open();
          const deliveries: Array<{ deliveries: number; at: number }> = [];
          await transport.consumeWork({ image: 1 }, async (_d, control) => {
            deliveries.push({ deliveries: control.deliveries, at: Date.now() });
            // The first time, the worker "crashes": it returns without acking.
            if (control.deliveries > 1) control.ack();
          });
          await transport.dispatch(taskDispatch('image'));
          await waitFor(
            async () => redelivered(deliveries) && (await stored()) === 0,
            'the redelivery acked',
          );
          expectCounted(deliveries.map((d) => d.deliveries));
          const again = deliveries.find((d) => d.deliveries > 1)!;
          expect(again.at - deliveries[0]!.at).toBeGreaterThanOrEqual(installation.ackWaitMs - 100);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'reports a work handler that throws, and delivers its message again',
        async () => {
          const errors: string[] = [];
          const transport = await open({ onError: (context) => errors.push(context) });
          const deliveries: Array<{ deliveries: number }> = [];
          await transport.consumeWork({ image: 1 }, async (_d, control) => {
            deliveries.push({ deliveries: control.deliveries });
            if (control.deliveries === 1) throw new Error('ffmpeg vanished');
            control.ack();
          });
          await transport.dispatch(taskDispatch('image'));
          await waitFor(
            async () => redelivered(deliveries) && (await stored()) === 0,
            'the redelivery acked',
          );
          expectCounted(deliveries.map((d) => d.deliveries));
          expect(errors.length).toBeGreaterThanOrEqual(1);
          expect(new Set(errors)).toEqual(
            new Set([`work handler for ${installation.subject('tasks.run.image')}`]),
          );
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'does not deliver again while the worker says it is working, past the ack wait',
        async () => {
          const transport = await open();
          const deliveries: number[] = [];
          let done = false;
          await transport.consumeWork(
            // A second slot, free for a redelivery if one came while the first runs.
            { image: 2 },
            async (_d, control) => {
              deliveries.push(control.deliveries);
              if (control.deliveries > 1) return control.ack();
              const heartbeat = setInterval(() => control.working(), installation.ackWaitMs / 4);
              await sleep(installation.ackWaitMs * 2.5);
              clearInterval(heartbeat);
              control.ack();
              done = true;
            },
          );
          await transport.dispatch(taskDispatch('image'));
          await waitFor(async () => done && (await stored()) === 0, 'the long task acked');
          expect(deliveries[0]).toBe(1);
          // An ack wait that ran out would have delivered it again, counted 2.
          expect(deliveries.filter((d) => d > 1)).toEqual([]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'delivers a nak-ed message again, not before the delay asked',
        async () => {
          const transport = await open();
          const deliveries: Array<{ deliveries: number; at: number }> = [];
          await transport.consumeWork({ image: 1 }, async (_d, control) => {
            deliveries.push({ deliveries: control.deliveries, at: Date.now() });
            // The worker shuts down: it gives the message back for later.
            if (control.deliveries === 1) control.nak(500);
            else control.ack();
          });
          await transport.dispatch(taskDispatch('image'));
          await waitFor(
            async () => redelivered(deliveries) && (await stored()) === 0,
            'the redelivery acked',
          );
          expectCounted(deliveries.map((d) => d.deliveries));
          const again = deliveries.find((d) => d.deliveries > 1)!;
          expect(again.at - deliveries[0]!.at).toBeGreaterThanOrEqual(450);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'delivers a message at most maxDeliver times',
        async () => {
          const transport = await open({ maxDeliver: 2 });
          const poison = taskDispatch('image');
          const after = taskDispatch('image');
          const seen: string[] = [];
          await transport.consumeWork({ image: 1 }, async (d, control) => {
            seen.push(`${d.task_id === poison.task_id ? 'poison' : 'after'} ${control.deliveries}`);
            // Given back at once each time: were there a third delivery, it would come before `after`.
            if (d.task_id === poison.task_id) control.nak();
            else control.ack();
          });
          await transport.dispatch(poison);
          await waitFor(() => seen.includes('poison 2'), 'the second delivery of the poison');
          await transport.dispatch(after);
          await waitFor(() => seen.includes('after 1'), 'the next message');
          expect(seen.at(-1)).toBe('after 1');
          expect(seen.slice(0, -1)).toContain('poison 1');
          expect(seen.slice(0, -1).every((s) => s === 'poison 1' || s === 'poison 2')).toBe(true);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        "holds at most each kind's concurrency at once, a busy kind leaving the others their slots",
        async () => {
          const transport = await open();
          const running = { image: 0, video: 0 };
          const most = { image: 0, video: 0 };
          const handled: TaskDispatch[] = [];
          const releases: Array<() => void> = [];
          await transport.consumeWork({ image: 2, video: 1 }, async (d, control) => {
            const kind = d.kind as keyof typeof running;
            most[kind] = Math.max(most[kind], ++running[kind]);
            await new Promise<void>((resolve) => releases.push(resolve));
            running[kind]--;
            handled.push(d);
            control.ack();
          });
          const sent = (
            ['image', 'image', 'image', 'image', 'image', 'video', 'video', 'video'] as const
          ).map((k) => taskDispatch(k));
          await Promise.all(sent.map((d) => transport.dispatch(d)));
          const left = (kind: string) =>
            sent.filter((d) => d.kind === kind).length -
            handled.filter((d) => d.kind === kind).length;
          // Every slot full, then let those finish, again: the video never waits for an image slot.
          while (handled.length < sent.length) {
            const expected = {
              image: Math.min(2, left('image')),
              video: Math.min(1, left('video')),
            };
            const full = expected.image + expected.video;
            await waitFor(() => releases.length === full, `${full} handlers running`);
            expect(running).toEqual(expected);
            const batch = releases.splice(0);
            const target = handled.length + batch.length;
            for (const release of batch) release();
            await waitFor(() => handled.length >= target, 'the released handlers to finish');
          }
          expect(most).toEqual({ image: 2, video: 1 });
          expect(handled.map((d) => d.task_id).sort()).toEqual(sent.map((d) => d.task_id).sort());
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'does not let an idle kind keep the others waiting for a slot',
        async () => {
          const transport = await open();
          const handled: string[] = [];
          await transport.consumeWork({ image: 1, audio: 1, video: 1 }, async (d, control) => {
            handled.push(d.kind);
            control.ack();
          });
          await transport.dispatch(taskDispatch('video'));
          await waitFor(() => handled.length === 1, 'the video dispatch');
          await transport.dispatch(taskDispatch('audio'));
          await waitFor(() => handled.length === 2, 'the audio dispatch');
          expect(handled).toEqual(['video', 'audio']);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'shares one kind between replicas, each dispatch handled once',
        async () => {
          const [a, b, publisher] = [
            await open({ name: 'a' }),
            await open({ name: 'b' }),
            await open({ name: 'p' }),
          ];
          const handledBy = new Map<string, string[]>();
          for (const [name, replica] of [
            ['a', a],
            ['b', b],
          ] as const) {
            await replica.consumeWork({ video: 2 }, async (d, control) => {
              handledBy.set(d.task_id, [...(handledBy.get(d.task_id) ?? []), name]);
              await sleep(50);
              control.ack();
            });
          }
          const sent = Array.from({ length: 20 }, () => taskDispatch('video'));
          await Promise.all(sent.map((d) => publisher.dispatch(d)));
          await waitFor(
            async () => handledBy.size === sent.length && (await stored()) === 0,
            'every dispatch acked',
          );
          expect([...handledBy.values()].every((by) => by.length === 1)).toBe(true);
          expect(new Set([...handledBy.values()].flat())).toEqual(new Set(['a', 'b']));
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'terminates work messages that break the contract, and says so',
        async () => {
          const invalid: Array<{ subject: string; reason: string }> = [];
          const transport = await open({
            onInvalid: (subject, reason) => invalid.push({ subject, reason }),
          });
          const handler = jest.fn(async (_d: TaskDispatch, control: WorkControl) => control.ack());
          await transport.consumeWork({ image: 1 }, handler);
          await installation.publishRaw('tasks.run.image', Buffer.from('{not json'));
          await installation.publishRaw(
            'tasks.run.image',
            Buffer.from(JSON.stringify({ ...taskDispatch('image'), attempt: 0 })),
          );
          await installation.publishRaw(
            'tasks.run.image',
            Buffer.from(JSON.stringify(taskDispatch('video'))),
          );
          await waitFor(() => invalid.length === 3, 'three invalid messages');
          expect(invalid.map((i) => i.subject)).toEqual(
            Array(3).fill(installation.subject('tasks.run.image')),
          );
          expect(invalid.map((i) => i.reason)).toEqual([
            'not JSON',
            expect.stringContaining('attempt:'),
            'a video task on the image queue',
          ]);
          // Terminated, never to come again.
          await waitFor(async () => (await stored()) === 0, 'the invalid messages removed');
          expect(invalid).toHaveLength(3);
          expect(handler).not.toHaveBeenCalled();
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'waits, on stop, for the handlers under way, and takes nothing new',
        async () => {
          const transport = await open();
          const order: string[] = [];
          let began = false;
          let finish!: () => void;
          const finishing = new Promise<void>((resolve) => (finish = resolve));
          const handled: string[] = [];
          const consumer = await transport.consumeWork({ image: 1 }, async (d, control) => {
            handled.push(d.task_id);
            began = true;
            await finishing;
            order.push('finished');
            control.ack();
          });
          const first = taskDispatch('image');
          await transport.dispatch(first);
          await waitFor(() => began, 'the handler to begin');
          const second = taskDispatch('image');
          await transport.dispatch(second);
          const stopped = consumer.stop().then(() => order.push('stopped'));
          // Time for a stop that does not wait to show it; one that waits passes whatever this is.
          await sleep(200);
          finish();
          await stopped;
          expect(order).toEqual(['finished', 'stopped']);
          expect(handled).toEqual([first.task_id]);
          // The second is still queued for the next worker.
          await waitFor(async () => (await stored()) === 1, 'the first acked');
          const next: string[] = [];
          await transport.consumeWork({ image: 1 }, async (d, control) => {
            next.push(d.task_id);
            control.ack();
          });
          await waitFor(() => next.length === 1, 'the next worker to get the second');
          expect(next).toEqual([second.task_id]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'stops the consumers of a transport that closes, and only those',
        async () => {
          const [closing, staying, publisher] = [await open(), await open(), await open()];
          const byClosing = jest.fn(async (_d: TaskDispatch, control: WorkControl) =>
            control.ack(),
          );
          await closing.consumeWork({ image: 1 }, byClosing);
          const byStaying: string[] = [];
          await staying.consumeWork({ video: 1 }, async (d, control) => {
            byStaying.push(d.task_id);
            control.ack();
          });
          await closing.close();
          await publisher.dispatch(taskDispatch('image'));
          const video = taskDispatch('video');
          await publisher.dispatch(video);
          await waitFor(() => byStaying.length === 1, 'the other transport to go on');
          expect(byStaying).toEqual([video.task_id]);
          await waitFor(async () => (await stored()) === 1, 'the video acked');
          expect(byClosing).not.toHaveBeenCalled();
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'refuses a concurrency below one, and no kinds at all',
        async () => {
          const transport = await open();
          await expect(transport.consumeWork({ image: 0 }, async () => undefined)).rejects.toThrow(
            /concurrency of image must be a whole number ≥ 1 \(got 0\)/,
          );
          await expect(transport.consumeWork({}, async () => undefined)).rejects.toThrow(
            /at least one kind/,
          );
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('events', () => {
      it(
        'hands events to a durable consumer in order, and again after a handler throws',
        async () => {
          const transport = await open();
          const errors: string[] = [];
          const consumer = await open({ onError: (context) => errors.push(context) });
          const taskId = newId('task');
          const sent = [
            taskEvent(taskId, 'started'),
            ...[10, 40, 70, 90].map((p) => taskEvent(taskId, 'progress', p)),
          ];
          for (const e of sent) await transport.publishEvent(e);

          const seen: string[] = [];
          let thrown = false;
          await consumer.consumeEvents('scheduler', async (e) => {
            const label = eventLabel(e);
            seen.push(label);
            if (label === 'progress 40' && !thrown) {
              thrown = true;
              throw new Error('database away');
            }
          });
          await waitFor(() => seen.length === 6, 'six deliveries');
          expect(seen).toEqual([
            'started',
            'progress 10',
            'progress 40',
            'progress 40',
            'progress 70',
            'progress 90',
          ]);
          expect(errors).toEqual([
            `event handler for ${installation.subject('tasks.events.image')}`,
          ]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        "hands each task's events over one at a time and in order, and different tasks' side by side",
        async () => {
          const transport = await open();
          const [a, b] = [newId('task'), newId('task')];
          const who = (e: TaskEvent) => (e.task_id === a ? 'a' : 'b');
          for (const e of [
            taskEvent(a, 'started'),
            taskEvent(b, 'started'),
            taskEvent(a, 'progress', 10),
            taskEvent(b, 'progress', 10),
            taskEvent(a, 'progress', 20),
            taskEvent(b, 'progress', 20),
            taskEvent(a, 'progress', 30),
          ])
            await transport.publishEvent(e);

          let openLatch!: () => void;
          const latch = new Promise<void>((resolve) => (openLatch = resolve));
          const seen: string[] = [];
          const running = { a: 0, b: 0 };
          let mostOfOneTask = 0;
          await transport.consumeEvents(
            'scheduler',
            async (e) => {
              const task = who(e);
              mostOfOneTask = Math.max(mostOfOneTask, ++running[task]);
              seen.push(`${task} ${eventLabel(e)}`);
              // a's first event holds its handler until the test lets it go.
              if (task === 'a' && e.type === 'started') await latch;
              running[task]--;
            },
            { concurrency: 8 },
          );
          await waitFor(
            () => seen.filter((s) => s.startsWith('b')).length === 3,
            "b's events while a's first is in its handler",
          );
          // b's ran beside a's first; a's later ones wait behind it.
          expect(seen.filter((s) => s.startsWith('a'))).toEqual(['a started']);
          openLatch();
          await waitFor(() => seen.length === 7, 'every event');
          expect(seen.filter((s) => s.startsWith('a'))).toEqual([
            'a started',
            'a progress 10',
            'a progress 20',
            'a progress 30',
          ]);
          expect(seen.filter((s) => s.startsWith('b'))).toEqual([
            'b started',
            'b progress 10',
            'b progress 20',
          ]);
          expect(mostOfOneTask).toBe(1);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        "hands a failed event again before its task's later events, which follow in order",
        async () => {
          const transport = await open();
          const errors: string[] = [];
          const consumer = await open({ onError: (context) => errors.push(context) });
          const [a, b] = [newId('task'), newId('task')];
          for (const e of [
            taskEvent(a, 'started'),
            taskEvent(a, 'progress', 10),
            taskEvent(b, 'started'),
            taskEvent(a, 'progress', 40),
            taskEvent(a, 'progress', 70),
            taskEvent(b, 'progress', 50),
            taskEvent(a, 'progress', 90),
          ])
            await transport.publishEvent(e);

          const seen: string[] = [];
          let thrown = false;
          await consumer.consumeEvents(
            'scheduler',
            async (e) => {
              const label = `${e.task_id === a ? 'a' : 'b'} ${eventLabel(e)}`;
              seen.push(label);
              if (label === 'a progress 40' && !thrown) {
                thrown = true;
                throw new Error('database away');
              }
            },
            { concurrency: 4 },
          );
          await waitFor(() => seen.length === 8, 'eight deliveries');
          expect(seen.filter((s) => s.startsWith('a'))).toEqual([
            'a started',
            'a progress 10',
            'a progress 40',
            'a progress 40',
            'a progress 70',
            'a progress 90',
          ]);
          expect(seen.filter((s) => s.startsWith('b'))).toEqual(['b started', 'b progress 50']);
          expect(errors).toEqual([
            `event handler for ${installation.subject('tasks.events.image')}`,
          ]);
          // Every event acked: a consumer of the same durable gets only what comes next.
          await consumer.close();
          const after: string[] = [];
          await transport.consumeEvents('scheduler', async (e) => void after.push(eventLabel(e)));
          await transport.publishEvent(taskEvent(b, 'progress', 60));
          await waitFor(() => after.length >= 1, 'the next event');
          expect(after).toEqual(['progress 60']);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'moves past an event whose handler keeps failing, after eventMaxDeliver deliveries, and says so',
        async () => {
          const errors: string[] = [];
          const transport = await open({
            eventMaxDeliver: 3,
            onError: (context) => errors.push(context),
          });
          const taskId = newId('task');
          const seen: Array<{ label: string; at: number }> = [];
          await transport.consumeEvents(
            'scheduler',
            async (e) => {
              seen.push({ label: eventLabel(e), at: Date.now() });
              if (e.type === 'started') throw new Error('bad row');
            },
            // The task's next event waits in hand until the consumer has moved past the first.
            { concurrency: 4 },
          );
          await transport.publishEvent(taskEvent(taskId, 'started'));
          await transport.publishEvent(taskEvent(taskId, 'progress', 50));
          await waitFor(() => seen.length === 4, 'three tries and the next event');
          expect(seen.map((s) => s.label)).toEqual([
            'started',
            'started',
            'started',
            'progress 50',
          ]);
          // Backing off: 100 ms, then 200 ms (eventRetryDelayMs 100, doubling).
          expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(90);
          expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(190);
          const subject = installation.subject('tasks.events.image');
          expect(errors).toEqual([
            `event handler for ${subject}`,
            `event handler for ${subject}`,
            `event handler for ${subject} failed 3 times; giving the event up`,
          ]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'resumes a durable event consumer after the last event it acked',
        async () => {
          const transport = await open();
          const taskId = newId('task');
          const seen: number[] = [];
          const handler = async (e: TaskEvent) =>
            void seen.push(e.type === 'progress' ? e.progress : 0);
          const first = await transport.consumeEvents('scheduler', handler);
          await transport.publishEvent(taskEvent(taskId, 'progress', 10));
          await waitFor(() => seen.length === 1, 'the first event');
          await first.stop();
          await transport.publishEvent(taskEvent(taskId, 'progress', 20));
          await transport.publishEvent(taskEvent(taskId, 'progress', 30));
          await transport.consumeEvents('scheduler', handler);
          await waitFor(() => seen.length === 3, 'the events published while stopped');
          // In order: anything delivered twice would come before this one.
          await transport.publishEvent(taskEvent(taskId, 'progress', 40));
          await waitFor(() => seen.length >= 4, 'the last event');
          expect(seen).toEqual([10, 20, 30, 40]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'resumes a durable event consumer in a transport opened again, and reads from the start the first time',
        async () => {
          const publisher = await open({ name: 'worker' });
          const taskId = newId('task');
          // Published before the consumer first exists: it still gets them.
          await publisher.publishEvent(taskEvent(taskId, 'progress', 5));
          const seen: number[] = [];
          const handler = async (e: TaskEvent) =>
            void seen.push(e.type === 'progress' ? e.progress : 0);
          const before = await open({ name: 'scheduler' });
          await before.consumeEvents('scheduler', handler);
          await publisher.publishEvent(taskEvent(taskId, 'progress', 10));
          await waitFor(() => seen.length === 2, 'the first events');
          await before.close();
          await publisher.publishEvent(taskEvent(taskId, 'progress', 20));
          const after = await open({ name: 'scheduler' });
          await after.consumeEvents('scheduler', handler);
          await publisher.publishEvent(taskEvent(taskId, 'progress', 30));
          await waitFor(() => seen.length >= 4, 'the events after the restart');
          expect(seen).toEqual([5, 10, 20, 30]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'gives each durable consumer every event',
        async () => {
          const transport = await open();
          const taskId = newId('task');
          const seen = { scheduler: [] as string[], audit: [] as string[] };
          for (const durable of ['scheduler', 'audit'] as const) {
            await transport.consumeEvents(
              durable,
              async (e) => void seen[durable].push(eventLabel(e)),
            );
          }
          await transport.publishEvent(taskEvent(taskId, 'started'));
          await transport.publishEvent(taskEvent(taskId, 'progress', 60));
          await waitFor(
            () => seen.scheduler.length === 2 && seen.audit.length === 2,
            'both consumers',
          );
          expect(seen).toEqual({
            scheduler: ['started', 'progress 60'],
            audit: ['started', 'progress 60'],
          });
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'terminates events that break the contract, and says so',
        async () => {
          const invalid: string[] = [];
          const transport = await open({ onInvalid: (subject) => invalid.push(subject) });
          const seen: TaskEvent[] = [];
          await transport.consumeEvents('scheduler', async (e) => void seen.push(e));
          await installation.publishRaw(
            'tasks.events.image',
            Buffer.from(JSON.stringify({ type: 'started' })),
          );
          const valid = taskEvent(newId('task'), 'started');
          await transport.publishEvent(valid);
          await waitFor(() => seen.length === 1, 'the valid event');
          expect(invalid).toEqual([installation.subject('tasks.events.image')]);
          expect(seen).toEqual([valid]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'refuses a durable name that is not one token',
        async () => {
          const transport = await open();
          await expect(
            transport.consumeEvents('sched.uler', async () => undefined),
          ).rejects.toThrow(/durable name "sched.uler"/);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'lets followers see the events published from now on',
        async () => {
          const transport = await open();
          const taskId = newId('task');
          await transport.publishEvent(taskEvent(taskId, 'started'));
          const followed: TaskEvent[] = [];
          await transport.followEvents((e) => followed.push(e));
          const later = taskEvent(taskId, 'progress', 50);
          const last = taskEvent(taskId, 'progress', 60);
          await transport.publishEvent(later);
          await transport.publishEvent(last);
          await waitFor(() => followed.length >= 2, 'the events from now on');
          expect(followed).toEqual([later, last]);
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('cancellations', () => {
      it(
        'broadcasts a cancellation to every onCancel',
        async () => {
          const [worker1, worker2, scheduler] = [await open(), await open(), await open()];
          const heard: Array<[string, TaskCancel]> = [];
          await worker1.onCancel((c) => heard.push(['1', c]));
          await worker2.onCancel((c) => heard.push(['2', c]));
          const cancel: TaskCancel = { v: 1, task_id: newId('task') };
          await scheduler.cancel(cancel);
          await waitFor(() => heard.length === 2, 'both workers');
          expect(heard.sort()).toEqual([
            ['1', cancel],
            ['2', cancel],
          ]);
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('change notifications', () => {
      it(
        'tells every follower of every change, whichever service announced it',
        async () => {
          const [gateway1, gateway2, scheduler] = [await open(), await open(), await open()];
          const heard: Array<[string, TaskChange]> = [];
          await gateway1.followChanges((c) => heard.push(['1', c]));
          await gateway2.followChanges((c) => heard.push(['2', c]));
          const run = newId('task');
          const first = taskChange(run);
          const second = taskChange(run, [newId('task'), newId('task')]);
          await scheduler.announceChanges(first);
          await scheduler.announceChanges(second);
          await waitFor(() => heard.length === 4, 'both followers, twice');
          // In order for each follower, as a core NATS subscription gets them.
          expect(heard.filter(([who]) => who === '1').map(([, c]) => c)).toEqual([first, second]);
          expect(heard.filter(([who]) => who === '2').map(([, c]) => c)).toEqual([first, second]);
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'refuses to announce a change that breaks the contract',
        async () => {
          const scheduler = await open();
          await expect(
            scheduler.announceChanges({ ...taskChange(), task_ids: [] }),
          ).rejects.toThrow();
        },
        TEST_TIMEOUT_MS,
      );

      it(
        'stops telling a follower that stopped, and reports one that throws',
        async () => {
          const errors: string[] = [];
          const gateway = await open({ onError: (context) => errors.push(context) });
          const scheduler = await open();
          const stopped: TaskChange[] = [];
          const following = await gateway.followChanges((c) => stopped.push(c));
          await gateway.followChanges(() => {
            throw new Error('a follower bug');
          });
          const still: TaskChange[] = [];
          await gateway.followChanges((c) => still.push(c));
          await following.stop();
          const change = taskChange();
          await scheduler.announceChanges(change);
          await waitFor(() => still.length === 1, 'the follower still following');
          expect(stopped).toEqual([]);
          expect(errors).toEqual(['change follower']);
        },
        TEST_TIMEOUT_MS,
      );
    });

    describe('broadcasts', () => {
      /** Each core-NATS broadcast: how it is listened to and sent, and a message breaking its contract. */
      const broadcasts = [
        {
          what: 'cancellation',
          subject: 'tasks.cancel',
          listen: (t: TaskTransport, heard: unknown[]) => t.onCancel((c) => heard.push(c)),
          send: (t: TaskTransport) => {
            const cancel: TaskCancel = { v: 1, task_id: newId('task') };
            return t.cancel(cancel).then(() => cancel);
          },
          broken: { v: 1, task_id: 'file_x' },
        },
        {
          what: 'change notification',
          subject: 'tasks.changed',
          listen: (t: TaskTransport, heard: unknown[]) => t.followChanges((c) => heard.push(c)),
          send: (t: TaskTransport) => {
            const change = taskChange();
            return t.announceChanges(change).then(() => change);
          },
          broken: { ...taskChange(), run_id: 'file_x' },
        },
      ];

      it.each(broadcasts)(
        'says so when a $what breaks the contract, and goes on',
        async ({ subject, listen, send, broken }) => {
          const invalid: string[] = [];
          const transport = await open({ onInvalid: (s) => invalid.push(s) });
          const heard: unknown[] = [];
          await listen(transport, heard);
          await installation.publishRaw(subject, Buffer.from(JSON.stringify(broken)));
          const valid = await send(transport);
          await waitFor(() => heard.length === 1, `the valid ${subject}`);
          expect(heard).toEqual([valid]);
          expect(invalid).toEqual([installation.subject(subject)]);
        },
        TEST_TIMEOUT_MS,
      );
    });
  });
}
