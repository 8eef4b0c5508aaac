import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AutomationOutboxRow } from './automation-event';

/** One registry replica relays at a time, so that events reach the log in the order they were made. */
const RELAY_LOCK = 'mediaflow:registry:automation-events';

/** `registry.automation_events`: written by the automations' trigger, emptied by the relay. */
@Injectable()
export class AutomationEventOutbox {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether any event waits: one cheap statement, so that an idle relay costs next to nothing. */
  async hasWaiting(): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      'SELECT EXISTS (SELECT 1 FROM registry.automation_events) AS waiting',
    )) as { waiting: boolean }[];
    return row?.waiting === true;
  }

  /**
   * Hands the oldest `limit` events to `send` and deletes them once it has
   * resolved, in one transaction that holds the relay's lock: if `send`
   * throws, or the process dies, they stay to be sent again. Answers how
   * many went; none when another replica is relaying.
   */
  async relayOldest(
    limit: number,
    send: (rows: AutomationOutboxRow[]) => Promise<void>,
  ): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const [lock] = (await runner.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [
        RELAY_LOCK,
      ])) as { ok: boolean }[];
      if (!lock?.ok) {
        await runner.rollbackTransaction();
        return 0;
      }
      const rows = (await runner.query(
        'SELECT * FROM registry.automation_events ORDER BY seq LIMIT $1',
        [limit],
      )) as AutomationOutboxRow[];
      if (rows.length > 0) {
        await send(rows);
        await runner.query('DELETE FROM registry.automation_events WHERE seq = ANY($1::bigint[])', [
          rows.map((row) => row.seq),
        ]);
      }
      await runner.commitTransaction();
      return rows.length;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
