import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBroker } from './in-process-broker';
import type { InProcessTaskTransport } from './in-process-task-transport';
import { taskDispatch, taskEvent } from './testing/task-fixtures';
import {
  describeTaskTransportContract,
  type TaskTransportInstallation,
} from './testing/task-transport.contract';
import { waitFor } from './testing/wait-for';

// As long as the JetStream suite's: a heartbeat every quarter of it must outlast a stalled event loop on a loaded machine.
const ACK_WAIT_MS = 2_000;
jest.setTimeout(60_000);

/** Each test is its own installation: a broker of its own, journaled under a fresh directory or not. */
function installation(journaled: boolean): () => Promise<TaskTransportInstallation> {
  return async () => {
    const dir = journaled ? mkdtempSync(join(tmpdir(), 'mediaflow-broker-')) : undefined;
    const broker = await InProcessBroker.open({ dir });
    let services = 0;
    return {
      ackWaitMs: ACK_WAIT_MS,
      open: async (options) =>
        broker.taskTransport({
          name: `service-${++services}`,
          ackWaitMs: ACK_WAIT_MS,
          eventRetryDelayMs: 100,
          ...options,
        }),
      publishRaw: async (subject, payload) => broker.publishRaw(subject, payload),
      subject: (subject) => subject,
      storedWork: async () => broker.stats().work,
      cleanup: async () => {
        await broker.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  };
}

describeTaskTransportContract('InProcessTaskTransport in memory', installation(false));
describeTaskTransportContract('InProcessTaskTransport with a journal', installation(true));

describe('InProcessTaskTransport', () => {
  let broker: InProcessBroker;
  beforeEach(async () => {
    broker = await InProcessBroker.open();
  });
  afterEach(async () => {
    await broker.close();
  });
  const open = (
    options: Partial<Parameters<InProcessBroker['taskTransport']>[0]> = {},
  ): InProcessTaskTransport => broker.taskTransport({ name: 'test', ackWaitMs: 200, ...options });

  it('gives up, and says so, a message never acked in maxDeliver deliveries', async () => {
    const errors: string[] = [];
    const transport = open({ maxDeliver: 3, onError: (context) => errors.push(context) });
    const deliveries: number[] = [];
    await transport.consumeWork(
      { image: 1 },
      async (_d, control) => void deliveries.push(control.deliveries),
    );
    await transport.dispatch(taskDispatch('image'));
    await waitFor(() => broker.stats().work === 0, 'the message to be given up');
    expect(deliveries).toEqual([1, 2, 3]);
    expect(errors).toEqual([
      'work on tasks.run.image was delivered 3 times and never acked; giving it up',
    ]);
  });

  it('counts every delivery once: after a throw, a nak and an ack wait that ran out', async () => {
    const transport = open({ maxDeliver: 5 });
    const deliveries: number[] = [];
    await transport.consumeWork({ image: 1 }, async (_d, control) => {
      deliveries.push(control.deliveries);
      if (control.deliveries === 1) throw new Error('crashed');
      if (control.deliveries === 2) return control.nak();
      if (control.deliveries === 3) return;
      control.ack();
    });
    await transport.dispatch(taskDispatch('image'));
    await waitFor(() => broker.stats().work === 0, 'the fourth delivery acked');
    expect(deliveries).toEqual([1, 2, 3, 4]);
  });

  it('takes a late ack, from a worker whose ack wait ran out, as JetStream does', async () => {
    const transport = open({ maxDeliver: 5 });
    const acks: Array<() => void> = [];
    const deliveries: number[] = [];
    await transport.consumeWork({ image: 2 }, async (_d, control) => {
      deliveries.push(control.deliveries);
      acks.push(() => control.ack());
    });
    await transport.dispatch(taskDispatch('image'));
    await waitFor(() => deliveries.length === 2, 'the redelivery');
    acks[0]!();
    expect(broker.stats().work).toBe(0);
    // The second holder's ack finds nothing to do.
    acks[1]!();
    expect(broker.stats().work).toBe(0);
  });

  it('waits, on broker close, for the work handlers of every transport', async () => {
    const transport = open();
    let finish!: () => void;
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    const order: string[] = [];
    let began = false;
    await transport.consumeWork({ image: 1 }, async (_d, control) => {
      began = true;
      await finishing;
      order.push('handled');
      control.ack();
    });
    await transport.dispatch(taskDispatch('image'));
    await waitFor(() => began, 'the handler to begin');
    const closed = broker.close().then(() => order.push('closed'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    finish();
    await closed;
    expect(order).toEqual(['handled', 'closed']);
    await expect(transport.dispatch(taskDispatch('image'))).rejects.toThrow(/closed/);
  });

  it('refuses a raw publish on a subject that is not a task subject', () => {
    expect(() => broker.publishRaw('tasks.other.image', Buffer.from('{}'))).toThrow(
      /not a task subject/,
    );
    expect(() => broker.publishRaw('tasks.run.image.extra', Buffer.from('{}'))).toThrow(
      /not a task subject/,
    );
  });

  it('keeps no event in memory once every durable consumer is past it', async () => {
    const transport = open();
    let handled = 0;
    await transport.consumeEvents('scheduler', async () => void handled++);
    await transport.consumeEvents('audit', async () => void handled++);
    for (let i = 0; i < 200; i++)
      await transport.publishEvent(taskEvent('task_0123456789abcdef', 'progress', i % 100));
    await waitFor(() => handled === 400, 'both consumers past every event');
    expect(broker.stats()).toMatchObject({ events: 0, durableConsumers: 2 });
  });
});
