import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId, type TaskCancel, type TaskDispatch, type TaskEvent, type TaskKind } from '@mediaflow/contracts';
import { connect, type NatsConnection } from 'nats';
import { JetStreamTaskTransport, type JetStreamTaskTransportOptions } from './jetstream-task-transport';
import type { Stoppable, WorkControl } from './task-transport';

// Against the real NATS with JetStream. Every test has its own prefix, so its
// own streams; all of them are deleted at the end of the file.
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ACK_WAIT_MS = 2_000;
jest.setTimeout(30_000);

const filePrefix = `t${randomBytes(4).toString('hex')}`;
let testNumber = 0;
let prefix: string;
const transports: JetStreamTaskTransport[] = [];
const stoppables: Stoppable[] = [];
let admin: NatsConnection;

async function open(extra: Partial<JetStreamTaskTransportOptions> = {}): Promise<JetStreamTaskTransport> {
  const transport = await JetStreamTaskTransport.connect({
    url,
    name: 'transport-test',
    subjectPrefix: prefix,
    ackWaitMs: ACK_WAIT_MS,
    eventRetryDelayMs: 100,
    ...extra,
  });
  transports.push(transport);
  await transport.setup();
  return transport;
}

function started<T extends Stoppable>(stoppable: T): T {
  stoppables.push(stoppable);
  return stoppable;
}

function dispatch(kind: TaskKind = 'image', overrides: Partial<TaskDispatch> = {}): TaskDispatch {
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

function event(taskId: string, type: 'started' | 'progress', progress = 0): TaskEvent {
  const base = { v: 1 as const, task_id: taskId, attempt: 1, kind: 'image' as const, at: Date.now() };
  return type === 'started' ? { ...base, type } : { ...base, type, progress };
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(20);
  }
}

async function storedWork(): Promise<number> {
  const jsm = await admin.jetstreamManager();
  return (await jsm.streams.info(`${prefix}_TASKS`)).state.messages;
}

beforeAll(async () => {
  admin = await connect({ servers: url });
});
beforeEach(() => {
  prefix = `${filePrefix}n${++testNumber}`;
});
afterEach(async () => {
  await Promise.all(stoppables.splice(0).map((s) => s.stop()));
  await Promise.all(transports.splice(0).map((t) => t.close()));
});
afterAll(async () => {
  const jsm = await admin.jetstreamManager();
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(`${filePrefix}n`)) await jsm.streams.delete(stream.config.name);
  }
  await admin.close();
});

describe('JetStreamTaskTransport', () => {
  it('creates the streams under the prefix, and setup can run again', async () => {
    const transport = await open();
    await transport.setup();
    const jsm = await admin.jetstreamManager();
    const work = await jsm.streams.info(`${prefix}_TASKS`);
    expect(work.config).toMatchObject({ subjects: [`${prefix}.tasks.run.>`], retention: 'workqueue', storage: 'file' });
    expect(work.config.duplicate_window).toBeGreaterThanOrEqual(120e9);
    const events = await jsm.streams.info(`${prefix}_TASK_EVENTS`);
    expect(events.config).toMatchObject({ subjects: [`${prefix}.tasks.events.>`], retention: 'limits', max_age: 86_400e9 });
  });

  it('delivers a dispatch once to the worker of its kind, which removes it by acking', async () => {
    const transport = await open();
    const sent = dispatch('image');
    const received: Array<{ dispatch: TaskDispatch; deliveries: number }> = [];
    started(
      await transport.consumeWork(
        ['image', 'video'],
        async (d, control) => {
          received.push({ dispatch: d, deliveries: control.deliveries });
          control.ack();
        },
        { concurrency: 1 },
      ),
    );
    await transport.dispatch(sent);
    await waitFor(() => received.length === 1);
    expect(received[0]).toEqual({ dispatch: sent, deliveries: 1 });
    await sleep(300);
    expect(await storedWork()).toBe(0);
    await sleep(ACK_WAIT_MS + 500);
    expect(received).toHaveLength(1);
  });

  it('drops a second publish of the same attempt, but not a new attempt', async () => {
    const transport = await open();
    const first = dispatch('image');
    await transport.dispatch(first);
    await transport.dispatch(first);
    await transport.dispatch({ ...first, attempt: 2 });
    expect(await storedWork()).toBe(2);
    const attempts: number[] = [];
    started(
      await transport.consumeWork(
        ['image'],
        async (d, control) => {
          attempts.push(d.attempt);
          control.ack();
        },
        { concurrency: 2 },
      ),
    );
    await waitFor(() => attempts.length === 2);
    await sleep(500);
    expect(attempts.sort()).toEqual([1, 2]);
  });

  it('delivers again, after ack_wait, what a worker took and never acked', async () => {
    const transport = await open();
    const deliveries: Array<{ deliveries: number; at: number }> = [];
    let crashed = false;
    started(
      await transport.consumeWork(
        ['image'],
        async (_d, control) => {
          deliveries.push({ deliveries: control.deliveries, at: Date.now() });
          // The first time, the worker "crashes": it returns without acking.
          if (crashed) control.ack();
          crashed = true;
        },
        { concurrency: 1 },
      ),
    );
    await transport.dispatch(dispatch('image'));
    await waitFor(() => deliveries.length === 2, ACK_WAIT_MS * 3);
    expect(deliveries.map((d) => d.deliveries)).toEqual([1, 2]);
    expect(deliveries[1]!.at - deliveries[0]!.at).toBeGreaterThanOrEqual(ACK_WAIT_MS - 100);
  });

  it('does not deliver again while the worker says it is working, past ack_wait', async () => {
    const transport = await open();
    const deliveries: number[] = [];
    let done = false;
    started(
      await transport.consumeWork(
        ['image'],
        async (_d, control) => {
          deliveries.push(control.deliveries);
          const heartbeat = setInterval(() => control.working(), ACK_WAIT_MS / 3);
          await sleep(ACK_WAIT_MS * 2.5);
          clearInterval(heartbeat);
          control.ack();
          done = true;
        },
        { concurrency: 2 },
      ),
    );
    await transport.dispatch(dispatch('image'));
    await waitFor(() => done, ACK_WAIT_MS * 4);
    await sleep(300);
    expect(deliveries).toEqual([1]);
  });

  it('holds at most `concurrency` messages at once across its kinds', async () => {
    const transport = await open();
    let running = 0;
    let most = 0;
    const handled: string[] = [];
    started(
      await transport.consumeWork(
        ['image', 'video', 'audio'],
        async (d, control) => {
          most = Math.max(most, ++running);
          await sleep(200);
          running--;
          handled.push(d.task_id);
          control.ack();
        },
        { concurrency: 2 },
      ),
    );
    const sent = (['image', 'video', 'audio', 'image', 'video', 'audio', 'image'] as const).map((k) => dispatch(k));
    await Promise.all(sent.map((d) => transport.dispatch(d)));
    await waitFor(() => handled.length === sent.length);
    expect(most).toBe(2);
    expect(handled.sort()).toEqual(sent.map((d) => d.task_id).sort());
  });

  it('shares one kind between replicas, each dispatch handled once', async () => {
    const [a, b, publisher] = [await open({ name: 'a' }), await open({ name: 'b' }), await open({ name: 'p' })];
    const handledBy = new Map<string, string[]>();
    for (const [name, replica] of [['a', a], ['b', b]] as const) {
      started(
        await replica.consumeWork(
          ['video'],
          async (d, control) => {
            handledBy.set(d.task_id, [...(handledBy.get(d.task_id) ?? []), name]);
            await sleep(50);
            control.ack();
          },
          { concurrency: 2 },
        ),
      );
    }
    const sent = Array.from({ length: 20 }, () => dispatch('video'));
    await Promise.all(sent.map((d) => publisher.dispatch(d)));
    await waitFor(() => handledBy.size === sent.length);
    await sleep(500);
    expect([...handledBy.values()].every((by) => by.length === 1)).toBe(true);
    expect(new Set([...handledBy.values()].flat())).toEqual(new Set(['a', 'b']));
  });

  it('terminates work messages that break the contract, and says so', async () => {
    const invalid: Array<{ subject: string; reason: string }> = [];
    const transport = await open({ onInvalid: (subject, reason) => invalid.push({ subject, reason }) });
    const handler = jest.fn(async (_d: TaskDispatch, control: WorkControl) => control.ack());
    started(await transport.consumeWork(['image'], handler, { concurrency: 1 }));
    const js = admin.jetstream();
    await js.publish(`${prefix}.tasks.run.image`, Buffer.from('{not json'));
    await js.publish(`${prefix}.tasks.run.image`, Buffer.from(JSON.stringify({ ...dispatch('image'), attempt: 0 })));
    await js.publish(`${prefix}.tasks.run.image`, Buffer.from(JSON.stringify(dispatch('video'))));
    await waitFor(() => invalid.length === 3);
    expect(invalid.map((i) => i.subject)).toEqual(Array(3).fill(`${prefix}.tasks.run.image`));
    expect(invalid.map((i) => i.reason)).toEqual(['not JSON', expect.stringContaining('attempt:'), 'a video task on the image queue']);
    await sleep(ACK_WAIT_MS + 500);
    expect(invalid).toHaveLength(3);
    expect(handler).not.toHaveBeenCalled();
    expect(await storedWork()).toBe(0);
  });

  it('hands events to a durable consumer in order, and again after a handler throws', async () => {
    const transport = await open();
    const errors: string[] = [];
    const consumer = await open({ onError: (context) => errors.push(context) });
    const taskId = newId('task');
    const sent = [event(taskId, 'started'), ...[10, 40, 70, 90].map((p) => event(taskId, 'progress', p))];
    for (const e of sent) await transport.publishEvent(e);

    const seen: string[] = [];
    let thrown = false;
    started(
      await consumer.consumeEvents('scheduler', async (e) => {
        const label = e.type === 'progress' ? `progress ${e.progress}` : e.type;
        seen.push(label);
        if (label === 'progress 40' && !thrown) {
          thrown = true;
          throw new Error('database away');
        }
      }),
    );
    await waitFor(() => seen.length === 6);
    expect(seen).toEqual(['started', 'progress 10', 'progress 40', 'progress 40', 'progress 70', 'progress 90']);
    expect(errors).toEqual([`event handler for ${prefix}.tasks.events.image`]);
  });

  it('resumes a durable event consumer after the last event it acked', async () => {
    const transport = await open();
    const taskId = newId('task');
    const seen: number[] = [];
    const handler = async (e: TaskEvent) => void seen.push(e.type === 'progress' ? e.progress : 0);
    const first = await transport.consumeEvents('scheduler', handler);
    await transport.publishEvent(event(taskId, 'progress', 10));
    await waitFor(() => seen.length === 1);
    await first.stop();
    await transport.publishEvent(event(taskId, 'progress', 20));
    await transport.publishEvent(event(taskId, 'progress', 30));
    started(await transport.consumeEvents('scheduler', handler));
    await waitFor(() => seen.length === 3);
    await sleep(300);
    expect(seen).toEqual([10, 20, 30]);
  });

  it('terminates events that break the contract, and says so', async () => {
    const invalid: string[] = [];
    const transport = await open({ onInvalid: (subject) => invalid.push(subject) });
    const seen: TaskEvent[] = [];
    started(await transport.consumeEvents('scheduler', async (e) => void seen.push(e)));
    await admin.jetstream().publish(`${prefix}.tasks.events.image`, Buffer.from(JSON.stringify({ type: 'started' })));
    const valid = event(newId('task'), 'started');
    await transport.publishEvent(valid);
    await waitFor(() => seen.length === 1);
    expect(invalid).toEqual([`${prefix}.tasks.events.image`]);
    expect(seen).toEqual([valid]);
  });

  it('lets followers see the events published from now on', async () => {
    const transport = await open();
    const taskId = newId('task');
    await transport.publishEvent(event(taskId, 'started'));
    const followed: TaskEvent[] = [];
    started(await transport.followEvents((e) => followed.push(e)));
    const later = event(taskId, 'progress', 50);
    await transport.publishEvent(later);
    await waitFor(() => followed.length === 1);
    await sleep(200);
    expect(followed).toEqual([later]);
  });

  it('broadcasts a cancellation to every onCancel', async () => {
    const [worker1, worker2, scheduler] = [await open(), await open(), await open()];
    const heard: Array<[string, TaskCancel]> = [];
    started(await worker1.onCancel((c) => heard.push(['1', c])));
    started(await worker2.onCancel((c) => heard.push(['2', c])));
    const cancel: TaskCancel = { v: 1, task_id: newId('task') };
    await scheduler.cancel(cancel);
    await waitFor(() => heard.length === 2);
    expect(heard.sort()).toEqual([
      ['1', cancel],
      ['2', cancel],
    ]);
  });

  it('waits, on stop, for the handlers under way, and takes nothing new', async () => {
    const transport = await open();
    const events: string[] = [];
    let began = false;
    const consumer = await transport.consumeWork(
      ['image'],
      async (d, control) => {
        began = true;
        await sleep(800);
        events.push(`finished ${d.task_id}`);
        control.ack();
      },
      { concurrency: 1 },
    );
    const first = dispatch('image');
    await transport.dispatch(first);
    await waitFor(() => began);
    const second = dispatch('image');
    await transport.dispatch(second);
    await consumer.stop();
    events.push('stopped');
    expect(events).toEqual([`finished ${first.task_id}`, 'stopped']);
    // The second is still queued for the next worker.
    expect(await storedWork()).toBe(1);
  });

  it('fails with a clear message when NATS is not there', async () => {
    await expect(JetStreamTaskTransport.connect({ url: 'nats://127.0.0.1:1', name: 'x' })).rejects.toThrow(
      /Cannot reach NATS at nats:\/\/127.0.0.1:1/,
    );
  });
});
