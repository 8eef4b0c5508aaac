import { WEBHOOK_BACKOFF, backoffMs } from '../backoff';

/** Deliveries retry for up to a day after the task ended (docs/http-api.md, Webhooks). */
export const WEBHOOK_GIVE_UP_MS = 24 * 60 * 60_000;

/**
 * What came of one POST: a status (any), an error before one (connection
 * refused, timed out), or a refusal to send at all (the URL points where
 * webhooks may not go), which no later attempt can change.
 */
export type WebhookOutcome = { status: number } | { error: string } | { refused: string };

export interface DeliveryAfterAttempt {
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  /** When to try again; null once delivered or given up. */
  next_attempt_at: Date | null;
}

/**
 * The delivery's state after an attempt: delivered on any 2xx; failed for
 * good when refused; otherwise again after a backoff, the last try a day
 * after it was created (sooner if the backoff ends sooner), so that a
 * receiver down for just under a day still gets it.
 */
export function afterWebhookAttempt(
  delivery: { attempts: number; created_at: Date },
  outcome: WebhookOutcome,
  now: Date,
): DeliveryAfterAttempt {
  const attempts = delivery.attempts + 1;
  const status = 'status' in outcome ? outcome.status : null;
  if (status !== null && status >= 200 && status < 300) {
    return {
      attempts,
      last_status: status,
      last_error: null,
      delivered_at: now,
      next_attempt_at: null,
    };
  }
  if ('refused' in outcome) {
    return {
      attempts,
      last_status: null,
      last_error: outcome.refused,
      delivered_at: null,
      next_attempt_at: null,
    };
  }
  const giveUpAt = delivery.created_at.getTime() + WEBHOOK_GIVE_UP_MS;
  const next = Math.min(now.getTime() + backoffMs(attempts, WEBHOOK_BACKOFF), giveUpAt);
  return {
    attempts,
    last_status: status,
    last_error: 'error' in outcome ? outcome.error : `answered ${status}`,
    delivered_at: null,
    next_attempt_at: now.getTime() >= giveUpAt ? null : new Date(next),
  };
}
