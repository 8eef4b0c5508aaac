import { metricsRegistry } from '@mediaflow/observability';
import { Counter } from 'prom-client';

/**
 * What a published message is: a request or its reply (request/reply), a
 * task's dispatch, a worker's event, a cancellation, a change notification. Acks, heartbeats and
 * JetStream's own API traffic are not counted here (NATS counts them in /varz).
 */
export type MessageChannel = 'request' | 'reply' | 'dispatch' | 'event' | 'cancel' | 'change';

// One per process: a registry refuses a second metric of the same name.
let published: Counter<'channel'> | undefined;

/** Counts one message this process published, by either driver (`pnpm bench:throughput` reads it). */
export function countPublished(channel: MessageChannel): void {
  published ??= new Counter({
    name: 'mediaflow_messages_published_total',
    help: 'Messages this process published, by channel (request, reply, dispatch, event, cancel, change)',
    labelNames: ['channel'] as const,
    registers: [metricsRegistry],
  });
  published.inc({ channel });
}
