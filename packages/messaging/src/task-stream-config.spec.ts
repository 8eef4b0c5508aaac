import {
  eventConsumerConfig,
  eventStreamConfig,
  redeliveryBackoffMs,
  workConsumerConfig,
  workStreamConfig,
} from './task-stream-config';
import { taskTransportNames } from './task-transport-names';

const names = taskTransportNames('p');

describe('redeliveryBackoffMs', () => {
  it.each([
    [30_000, 5, [30_000, 60_000, 120_000, 240_000]],
    [2_000, 3, [2_000, 4_000]],
    [30_000, 1, []],
    // Capped at 15 minutes, but never under the ack wait itself.
    [300_000, 4, [300_000, 600_000, 900_000]],
    [1_200_000, 3, [1_200_000, 1_200_000]],
  ])('ack wait %d ms, %d deliveries → %j', (ackWaitMs, maxDeliver, expected) => {
    expect(redeliveryBackoffMs(ackWaitMs, maxDeliver)).toEqual(expected);
  });
});

describe('stream and consumer configs', () => {
  it('keeps work on disk until one worker acks it, and drops duplicates for two minutes', () => {
    expect(workStreamConfig(names)).toMatchObject({
      name: 'p_TASKS',
      subjects: ['p.tasks.run.>'],
      retention: 'workqueue',
      storage: 'file',
      duplicate_window: 120_000_000_000,
    });
  });

  it('keeps events a day', () => {
    expect(eventStreamConfig(names)).toMatchObject({
      name: 'p_TASK_EVENTS',
      subjects: ['p.tasks.events.>'],
      retention: 'limits',
      max_age: 86_400_000_000_000,
    });
  });

  it('gives each kind a durable pull consumer with explicit acks and bounded, spaced deliveries', () => {
    const config = workConsumerConfig(names, 'image', { ackWaitMs: 2_000, maxDeliver: 3 });
    expect(config).toEqual({
      durable_name: 'p_work_image',
      filter_subject: 'p.tasks.run.image',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      ack_wait: 2_000_000_000,
      max_deliver: 3,
      backoff: [2_000_000_000, 4_000_000_000],
    });
    expect(config).not.toHaveProperty('deliver_subject');
  });

  it('reads every event from the start, as many at a time as the consumer takes', () => {
    expect(
      eventConsumerConfig(names, 'scheduler', {
        ackWaitMs: 30_000,
        maxDeliver: 20,
        maxAckPending: 32,
      }),
    ).toEqual({
      durable_name: 'p_events_scheduler',
      filter_subject: 'p.tasks.events.>',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      ack_wait: 30_000_000_000,
      max_deliver: 20,
      max_ack_pending: 32,
    });
  });
});
