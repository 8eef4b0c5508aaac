/** The defaults of the limits both task transports take (JetStreamTaskTransportOptions says what each means). */
export const TASK_TRANSPORT_DEFAULTS = {
  ackWaitMs: 30_000,
  maxDeliver: 5,
  eventRetryDelayMs: 1_000,
  eventMaxDeliver: 20,
} as const;

const MAX_EVENT_RETRY_DELAY_MS = 30_000;

/** How long an event whose handler threw waits before its next delivery: doubling from `firstMs`, up to 30 s. */
export function eventRetryDelayMs(firstMs: number, deliveries: number): number {
  return Math.min(MAX_EVENT_RETRY_DELAY_MS, firstMs * 2 ** (deliveries - 1));
}
