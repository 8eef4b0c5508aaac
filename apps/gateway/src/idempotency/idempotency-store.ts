import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ABANDONED_AFTER_MS,
  IDEMPOTENCY_WINDOW_MS,
  type RequestFingerprint,
  type StoredIdempotencyKey,
} from './idempotency-rules';

interface KeyRow {
  claim_id: string | null;
  request_method: string;
  request_path: string;
  body_hash: string;
  status: number | null;
  response: unknown;
  response_headers: Record<string, string> | null;
  age_ms: number;
}

/** A key as one request holds it: its project, the key, and the claim it was reserved under. */
export interface KeyReservation {
  projectId: string;
  key: string;
  claimId: string;
}

/** `gateway.idempotency_keys`. Every statement is one conditional SQL statement, safe across replicas. */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly db: DataSource) {}

  /** Takes the key for this request under a new claim; false when it is already taken. */
  async reserve(
    projectId: string,
    key: string,
    request: RequestFingerprint,
    claimId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO "gateway"."idempotency_keys"
         ("project_id", "key", "request_method", "request_path", "body_hash", "claim_id")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT ("project_id", "key") DO NOTHING
       RETURNING "key"`,
      [projectId, key, request.method, request.path, request.bodyHash, claimId],
    );
    return rows.length === 1;
  }

  async find(projectId: string, key: string): Promise<StoredIdempotencyKey | undefined> {
    const rows: KeyRow[] = await this.db.query(
      `SELECT "claim_id", "request_method", "request_path", "body_hash", "status", "response", "response_headers",
              (extract(epoch FROM now() - "created_at") * 1000)::float8 AS "age_ms"
         FROM "gateway"."idempotency_keys"
        WHERE "project_id" = $1 AND "key" = $2`,
      [projectId, key],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      claimId: row.claim_id,
      method: row.request_method,
      path: row.request_path,
      bodyHash: row.body_hash,
      status: row.status,
      response: row.response,
      headers: row.response_headers ?? {},
      ageMs: row.age_ms,
    };
  }

  /**
   * Records the answer to replay. The first answer stays: a request that
   * resumed the claim beside it (or found it recorded with what it created,
   * {@link answerWithin}) answers the same and changes nothing.
   */
  async complete(
    projectId: string,
    key: string,
    status: number,
    response: unknown,
    headers: Record<string, string>,
  ): Promise<void> {
    await this.db.query(
      `UPDATE "gateway"."idempotency_keys"
          SET "status" = $3, "response" = $4::jsonb, "response_headers" = $5::jsonb
        WHERE "project_id" = $1 AND "key" = $2 AND "status" IS NULL`,
      [projectId, key, status, JSON.stringify(response ?? null), JSON.stringify(headers)],
    );
  }

  /**
   * Locks the reservation for `manager`'s transaction and reads its answer:
   * a request resuming the same claim waits here until that transaction
   * has ended. Undefined when the key is no longer held under this claim.
   */
  async lockReservation(
    manager: EntityManager,
    { projectId, key, claimId }: KeyReservation,
  ): Promise<{ status: number | null; response: unknown } | undefined> {
    const rows: { status: number | null; response: unknown }[] = await manager.query(
      `SELECT "status", "response" FROM "gateway"."idempotency_keys"
        WHERE "project_id" = $1 AND "key" = $2 AND "claim_id" = $3
          FOR UPDATE`,
      [projectId, key, claimId],
    );
    return rows[0];
  }

  /** Records the answer in `manager`'s transaction: it commits with what the request created. */
  async answerWithin(
    manager: EntityManager,
    { projectId, key, claimId }: KeyReservation,
    status: number,
    response: unknown,
  ): Promise<void> {
    await manager.query(
      `UPDATE "gateway"."idempotency_keys"
          SET "status" = $4, "response" = $5::jsonb, "response_headers" = '{}'::jsonb
        WHERE "project_id" = $1 AND "key" = $2 AND "claim_id" = $3`,
      [projectId, key, claimId, status, JSON.stringify(response ?? null)],
    );
  }

  /** Frees a key whose request failed on our side, so that a retry runs it again. */
  async release(projectId: string, key: string): Promise<void> {
    await this.db.query(
      `DELETE FROM "gateway"."idempotency_keys"
        WHERE "project_id" = $1 AND "key" = $2 AND "status" IS NULL`,
      [projectId, key],
    );
  }

  /**
   * Forgets an expired or abandoned key. The condition is repeated in the
   * DELETE, so a replica that reserved it afresh a moment ago keeps it.
   */
  async forgetStale(projectId: string, key: string): Promise<void> {
    await this.db.query(
      `DELETE FROM "gateway"."idempotency_keys"
        WHERE "project_id" = $1 AND "key" = $2
          AND ("created_at" <= now() - make_interval(secs => $3)
               OR ("status" IS NULL AND "created_at" <= now() - make_interval(secs => $4)))`,
      [projectId, key, IDEMPOTENCY_WINDOW_MS / 1000, ABANDONED_AFTER_MS / 1000],
    );
  }

  /** Deletes every key past its window. */
  async sweep(): Promise<void> {
    await this.db.query(
      `DELETE FROM "gateway"."idempotency_keys" WHERE "created_at" <= now() - make_interval(secs => $1)`,
      [IDEMPOTENCY_WINDOW_MS / 1000],
    );
  }
}
