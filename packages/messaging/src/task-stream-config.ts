import type { TaskKind } from '@mediaflow/contracts';
import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type ConsumerConfig,
  type StreamConfig,
} from 'nats';
import type { TaskTransportNames } from './task-transport-names';

/** How long JetStream remembers a dispatch's message id to drop a second publish of it. */
export const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** Events are read within seconds; a day covers a consumer that was down for a while. */
export const EVENT_MAX_AGE_MS = 24 * 60 * 60_000;
/** The longest wait before a message an unresponsive worker held is delivered again. */
const MAX_BACKOFF_MS = 15 * 60_000;

/** Work: each message kept until one worker acks it (work-queue retention), on disk, on `replicas` servers. */
export function workStreamConfig(names: TaskTransportNames, replicas = 1): Partial<StreamConfig> {
  return {
    name: names.workStream,
    subjects: [names.workSubjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicas,
  };
}

/** Events: read by several consumers (the scheduler durably, the gateway live), kept a day. */
export function eventStreamConfig(names: TaskTransportNames, replicas = 1): Partial<StreamConfig> {
  return {
    name: names.eventStream,
    subjects: [names.eventSubjects],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(EVENT_MAX_AGE_MS),
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    num_replicas: replicas,
  };
}

/**
 * When JetStream redelivers what a worker did not ack: after `ackWait` the
 * first time, then twice as long each time, so that a task that kills its
 * worker does not take the next ones down at once. The server wants fewer
 * steps than deliveries.
 */
export function redeliveryBackoffMs(ackWaitMs: number, maxDeliver: number): number[] {
  return Array.from({ length: Math.max(0, maxDeliver - 1) }, (_, i) =>
    Math.max(ackWaitMs, Math.min(MAX_BACKOFF_MS, ackWaitMs * 2 ** i)),
  );
}

export interface WorkConsumerLimits {
  ackWaitMs: number;
  maxDeliver: number;
}

/**
 * One durable pull consumer per kind (nats-server 2.9 has no consumers with
 * several filter subjects): its filters never overlap, as a work queue needs.
 */
export function workConsumerConfig(
  names: TaskTransportNames,
  kind: TaskKind,
  { ackWaitMs, maxDeliver }: WorkConsumerLimits,
): Partial<ConsumerConfig> {
  const backoff = redeliveryBackoffMs(ackWaitMs, maxDeliver);
  return {
    durable_name: names.workConsumer(kind),
    filter_subject: names.runSubject(kind),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_deliver: maxDeliver,
    // With a backoff the server takes its first step as the ack wait.
    ...(backoff.length > 0 ? { backoff: backoff.map(nanos) } : {}),
  };
}

export interface EventConsumerLimits {
  ackWaitMs: number;
  maxDeliver: number;
  /** Events delivered and not acked yet, at most: the consumer's concurrency. */
  maxAckPending: number;
}

/**
 * A durable consumer of every event, from the start of the stream, so that
 * events published before the consumer first existed are not lost. Up to
 * `maxAckPending` events are in its hands at once, across every replica
 * (an event given back for a later redelivery counts until it is acked); the
 * consumer keeps each task's events in order itself (TaskTransport.consumeEvents).
 */
export function eventConsumerConfig(
  names: TaskTransportNames,
  durable: string,
  { ackWaitMs, maxDeliver, maxAckPending }: EventConsumerLimits,
): Partial<ConsumerConfig> {
  return {
    durable_name: names.eventConsumer(durable),
    filter_subject: names.eventSubjects,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(ackWaitMs),
    max_deliver: maxDeliver,
    max_ack_pending: maxAckPending,
  };
}
