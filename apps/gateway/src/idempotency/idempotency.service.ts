import { MediaflowError } from '@mediaflow/contracts';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  decideOnTakenKey,
  keepsAnswer,
  releasesOnFailure,
  type RequestFingerprint,
} from './idempotency-rules';
import { IdempotencyStore, type KeyReservation } from './idempotency-store';

export type Claim =
  /** Run the request under this claim (new, or resumed on a resumable route). */
  | { action: 'proceed'; claimId: string }
  | { action: 'replay'; status: number; body: unknown; headers: Record<string, string> };

/** How a route honours its key: see decideOnTakenKey. */
export interface IdempotencyOptions {
  resumable?: boolean;
}

const IN_PROGRESS =
  'A request with this Idempotency-Key is still in progress: retry once it has answered';
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Expired or abandoned keys are forgotten and reserved again; a key fought over this often is busy. */
const MAX_CLAIM_ATTEMPTS = 3;

@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Idempotency');
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly store: IdempotencyStore) {}

  /**
   * Reserves the key for this request, or says what to answer instead: the
   * stored answer to replay, or a 409 (another request, or still running).
   */
  async claim(
    projectId: string,
    key: string,
    request: RequestFingerprint,
    options: IdempotencyOptions = {},
  ): Promise<Claim> {
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
      const claimId = randomUUID();
      if (await this.store.reserve(projectId, key, request, claimId))
        return { action: 'proceed', claimId };
      const stored = await this.store.find(projectId, key);
      // Released between the two statements: try to reserve it again.
      if (!stored) continue;
      const decision = decideOnTakenKey(stored, request, options);
      if (decision.action === 'conflict') throw new MediaflowError('conflict', decision.message);
      if (decision.action === 'replay') return decision;
      if (decision.action === 'resume') return { action: 'proceed', claimId: decision.claimId };
      await this.store.forgetStale(projectId, key);
    }
    throw new MediaflowError('conflict', IN_PROGRESS);
  }

  /**
   * Keeps the answer of the first request. When the failure was ours (5xx)
   * the key is freed, or on a resumable route left unanswered for the retry
   * to resume (releasesOnFailure).
   */
  async settle(
    projectId: string,
    key: string,
    answer: { status: number; body: unknown; headers?: Record<string, string> },
    options: IdempotencyOptions = {},
  ): Promise<void> {
    const { status, body, headers = {} } = answer;
    if (keepsAnswer(status)) await this.store.complete(projectId, key, status, body, headers);
    else if (releasesOnFailure(options.resumable ?? false))
      await this.store.release(projectId, key);
  }

  /**
   * `create`, run in `manager`'s transaction, once per claim: for a route
   * that creates in the gateway's own schema, its answer is recorded in
   * the transaction that creates, so the key is answered exactly when the
   * object exists. An unanswered reservation then means nothing was made,
   * and a request resuming it (the first one's gateway died, or it failed
   * on our side) creates afresh; one resuming it beside the first waits
   * for the first's transaction and answers what it recorded. This is how
   * an API key's secret, kept only as a hash, reaches a retried create.
   * Without a key, plain `create`.
   */
  async createOnce<T>(
    manager: EntityManager,
    reservation: KeyReservation | undefined,
    create: () => Promise<T>,
    status = 201,
  ): Promise<T> {
    if (!reservation) return create();
    const held = await this.store.lockReservation(manager, reservation);
    if (held?.status === status) return held.response as T;
    // Retaken since (gone, or answered otherwise): the request is no longer the key's.
    if (!held || held.status !== null) throw new MediaflowError('conflict', IN_PROGRESS);
    const answer = await create();
    await this.store.answerWithin(manager, reservation, status, answer);
    return answer;
  }

  onApplicationBootstrap(): void {
    const sweep = () =>
      void this.store
        .sweep()
        .catch((error: unknown) => this.logger.warn(`sweep failed: ${(error as Error).message}`));
    sweep();
    this.sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }
}
