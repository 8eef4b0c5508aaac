import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import type { DueDelivery } from './webhook-deliveries.repository';
import { afterWebhookAttempt, type WebhookOutcome } from './webhook-schedule';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

/**
 * POSTs due webhook deliveries, signed, and records how each went. Run by
 * the reconciler (one replica at a time), so a delivery is never sent twice at once.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(
    private readonly store: SchedulerStore,
    @Inject(SCHEDULER_CONFIG) private readonly config: SchedulerConfig,
  ) {}

  async sendDue(limit: number): Promise<void> {
    const due = await this.store.read((repos) => repos.deliveries.due(limit));
    await Promise.all(due.map((delivery) => this.send(delivery)));
  }

  private async send(delivery: DueDelivery): Promise<void> {
    const outcome = await this.post(delivery);
    const after = afterWebhookAttempt(delivery, outcome, new Date());
    if (!after.delivered_at) {
      const why = 'error' in outcome ? outcome.error : `HTTP ${outcome.status}`;
      this.logger.warn(
        `webhook for ${delivery.task_id} not delivered (${why}); ${after.next_attempt_at ? `again at ${after.next_attempt_at.toISOString()}` : 'giving up'}`,
      );
    }
    await this.store.read((repos) => repos.deliveries.recordAttempt(delivery.id, after));
  }

  private async post(delivery: DueDelivery): Promise<WebhookOutcome> {
    if (!delivery.secret) return { error: 'the task has no webhook secret to sign with' };
    const body = JSON.stringify(delivery.body);
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mediaflow-Webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(delivery.secret, body, timestamp),
        },
        body,
        // A redirect is an answer, not a 2xx: the body is never re-sent somewhere else.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.MEDIAFLOW_WEBHOOK_TIMEOUT_MS),
      });
      // Only the status matters; let the connection go.
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return {
        error: timedOut
          ? `no answer within ${this.config.MEDIAFLOW_WEBHOOK_TIMEOUT_MS} ms`
          : describeFetchError(error),
      };
    }
  }
}

/** fetch's own message is "fetch failed"; the reason (refused, reset, DNS) is its cause. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
