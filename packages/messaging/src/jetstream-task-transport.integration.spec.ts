import { randomBytes } from 'node:crypto';
import { newId } from '@mediaflow/contracts';
import { connect, type NatsConnection } from 'nats';
import {
  JetStreamTaskTransport,
  type JetStreamTaskTransportOptions,
} from './jetstream-task-transport';
import { eventConsumerConfig } from './task-stream-config';
import { taskTransportNames } from './task-transport-names';
import { taskEvent } from './testing/task-fixtures';
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

  it('fails with a clear message when NATS is not there', async () => {
    await expect(
      JetStreamTaskTransport.connect({ url: 'nats://127.0.0.1:1', name: 'x' }),
    ).rejects.toThrow(/Cannot reach NATS at nats:\/\/127.0.0.1:1/);
  });
});
