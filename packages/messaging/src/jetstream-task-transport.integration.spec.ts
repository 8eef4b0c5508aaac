import { randomBytes } from 'node:crypto';
import { TASK_KIND_NAMES, newId } from '@mediaflow/contracts';
import { connect, nanos, type ConsumerInfo, type NatsConnection } from 'nats';
import {
  JetStreamTaskTransport,
  type JetStreamTaskTransportOptions,
} from './jetstream-task-transport';
import { eventConsumerConfig } from './task-stream-config';
import { taskTransportNames } from './task-transport-names';
import { TASK_TRANSPORT_DEFAULTS } from './task-transport-limits';
import { taskDispatch, taskEvent } from './testing/task-fixtures';
import { describeTaskTransportContract } from './testing/task-transport.contract';
import { waitFor } from './testing/wait-for';

// Against the real NATS with JetStream. Every test has its own prefix, so its
// own streams, deleted when it ends.
const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const ACK_WAIT_MS = 2_000;

const filePrefix = `t${randomBytes(4).toString('hex')}`;
let testNumber = 0;
let admin: NatsConnection;

beforeAll(async () => {
  admin = await connect({ servers: url });
});
afterAll(async () => {
  await admin.close();
});

async function deleteStreams(prefix: string): Promise<void> {
  const jsm = await admin.jetstreamManager();
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(`${prefix}_`)) await jsm.streams.delete(stream.config.name);
  }
}

/** A transport of the installation under `prefix`, set up, with the tests' short limits. */
async function openTransport(
  prefix: string,
  extra: Partial<JetStreamTaskTransportOptions> = {},
): Promise<JetStreamTaskTransport> {
  const transport = await JetStreamTaskTransport.connect({
    url,
    name: 'transport-test',
    subjectPrefix: prefix,
    ackWaitMs: ACK_WAIT_MS,
    eventRetryDelayMs: 100,
    ...extra,
  });
  await transport.setup();
  return transport;
}

describeTaskTransportContract('JetStreamTaskTransport', async () => {
  const prefix = `${filePrefix}n${++testNumber}`;
  const transports: JetStreamTaskTransport[] = [];
  return {
    ackWaitMs: ACK_WAIT_MS,
    open: async (options) => {
      const transport = await openTransport(prefix, options);
      transports.push(transport);
      return transport;
    },
    publishRaw: async (subject, payload) => {
      // Cancellations and change notifications are core NATS; work and events go to their streams.
      if (subject === 'tasks.cancel' || subject === 'tasks.changed') {
        admin.publish(`${prefix}.${subject}`, payload);
        await admin.flush();
      } else {
        await admin.jetstream().publish(`${prefix}.${subject}`, payload);
      }
    },
    subject: (subject) => `${prefix}.${subject}`,
    storedWork: async () => {
      const jsm = await admin.jetstreamManager();
      return (await jsm.streams.info(`${prefix}_TASKS`)).state.messages;
    },
    cleanup: async () => {
      await Promise.all(transports.map((t) => t.close()));
      await deleteStreams(prefix);
    },
  };
});

describe('JetStreamTaskTransport', () => {
  it('creates the streams under the prefix, and setup can run again', async () => {
    const prefix = `${filePrefix}n${++testNumber}`;
    const transport = await openTransport(prefix);
    try {
      await transport.setup();
      const jsm = await admin.jetstreamManager();
      const work = await jsm.streams.info(`${prefix}_TASKS`);
      expect(work.config).toMatchObject({
        subjects: [`${prefix}.tasks.run.>`],
        retention: 'workqueue',
        storage: 'file',
      });
      expect(work.config.duplicate_window).toBeGreaterThanOrEqual(120e9);
      const events = await jsm.streams.info(`${prefix}_TASK_EVENTS`);
      expect(events.config).toMatchObject({
        subjects: [`${prefix}.tasks.events.>`],
        retention: 'limits',
        max_age: 86_400e9,
      });
    } finally {
      await transport.close();
      await deleteStreams(prefix);
    }
  });

  it('brings a durable event consumer made one at a time up to the concurrency asked', async () => {
    const prefix = `${filePrefix}n${++testNumber}`;
    const transport = await openTransport(prefix);
    try {
      const names = taskTransportNames(prefix);
      const jsm = await admin.jetstreamManager();
      // As an earlier version made it: max_ack_pending 1.
      await jsm.consumers.add(
        names.eventStream,
        eventConsumerConfig(names, 'scheduler', {
          ackWaitMs: ACK_WAIT_MS,
          maxDeliver: 20,
          maxAckPending: 1,
        }),
      );
      const seen: string[] = [];
      await transport.consumeEvents('scheduler', async (e) => void seen.push(e.task_id), {
        concurrency: 8,
      });
      const info = await jsm.consumers.info(names.eventStream, names.eventConsumer('scheduler'));
      expect(info.config.max_ack_pending).toBe(8);
      const sent = taskEvent(newId('task'), 'started');
      await transport.publishEvent(sent);
      await waitFor(() => seen.length === 1, 'the event');
      expect(seen).toEqual([sent.task_id]);
    } finally {
      await transport.close();
      await deleteStreams(prefix);
    }
  });

  /** What KEDA's nats-jetstream scaler reads as a consumer's lag. */
  const lag = (info: ConsumerInfo) => info.num_pending + info.num_ack_pending;

  it("makes every kind's work consumer at setup, so that its lag counts from zero before any worker runs", async () => {
    const prefix = `${filePrefix}n${++testNumber}`;
    // Two services starting at once (the scheduler and a worker), racing to make the same things.
    const transports = await Promise.all([openTransport(prefix), openTransport(prefix)]);
    try {
      const names = taskTransportNames(prefix);
      const jsm = await admin.jetstreamManager();
      const consumer = (kind: (typeof TASK_KIND_NAMES)[number]) =>
        jsm.consumers.info(names.workStream, names.workConsumer(kind));
      const made: string[] = [];
      for await (const info of jsm.consumers.list(names.workStream)) made.push(info.name);
      expect(made.sort()).toEqual(TASK_KIND_NAMES.map((k) => names.workConsumer(k)).sort());
      for (const kind of TASK_KIND_NAMES) {
        const info = await consumer(kind);
        expect(lag(info)).toBe(0);
        expect(info.config).toMatchObject({
          filter_subject: names.runSubject(kind),
          ack_wait: nanos(ACK_WAIT_MS),
          max_deliver: TASK_TRANSPORT_DEFAULTS.maxDeliver,
        });
      }

      const sent = Array.from({ length: 3 }, () => taskDispatch('video'));
      for (const dispatch of sent) await transports[0].dispatch(dispatch);
      // Nobody consumes video here: the dispatches wait in its consumer, counted, none delivered.
      await waitFor(async () => (await consumer('video')).num_pending === sent.length, 'the count');
      const video = await consumer('video');
      expect(video.num_pending).toBe(sent.length);
      expect(video.num_ack_pending).toBe(0);
      expect(video.delivered.consumer_seq).toBe(0);
      expect(lag(await consumer('image'))).toBe(0);
    } finally {
      await Promise.all(transports.map((t) => t.close()));
      await deleteStreams(prefix);
    }
  });

  it('leaves a work consumer as its worker made it when setup runs again', async () => {
    const prefix = `${filePrefix}n${++testNumber}`;
    const scheduler = await openTransport(prefix);
    const worker = await openTransport(prefix, { ackWaitMs: 7_000, maxDeliver: 3 });
    try {
      const names = taskTransportNames(prefix);
      const jsm = await admin.jetstreamManager();
      const config = async (kind: 'image' | 'video') =>
        (await jsm.consumers.info(names.workStream, names.workConsumer(kind))).config;
      const asWorker = { ack_wait: nanos(7_000), max_deliver: 3 };
      const asScheduler = {
        ack_wait: nanos(ACK_WAIT_MS),
        max_deliver: TASK_TRANSPORT_DEFAULTS.maxDeliver,
      };
      // The worker's own setup left the consumers the scheduler made; its consumeWork sets its limits.
      expect(await config('image')).toMatchObject(asScheduler);
      await worker.consumeWork({ image: 1 }, async (_d, control) => control.ack());
      expect(await config('image')).toMatchObject(asWorker);

      await scheduler.setup();
      await worker.setup();
      expect(await config('image')).toMatchObject(asWorker);
      expect(await config('video')).toMatchObject(asScheduler);
    } finally {
      await Promise.all([scheduler.close(), worker.close()]);
      await deleteStreams(prefix);
    }
  });

  it('fails with a clear message when NATS is not there', async () => {
    await expect(
      JetStreamTaskTransport.connect({ url: 'nats://127.0.0.1:1', name: 'x' }),
    ).rejects.toThrow(/Cannot reach NATS at nats:\/\/127.0.0.1:1/);
  });
});
