import { setTimeout as sleep } from 'node:timers/promises';
import {
  ERROR_STATUS,
  MediaflowError,
  isFinalStatus,
  schedulerRpc,
  type TaskRecord,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** The first look after the ingest started; each next one waits twice as long, up to the last. */
const FIRST_POLL_MS = 100;
const LONGEST_POLL_MS = 1_000;

/** A scheduler that did not answer once is asked again: the ingest goes on either way. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof MediaflowError &&
    (ERROR_STATUS[error.code] === 503 || ERROR_STATUS[error.code] === 504)
  );
}

/**
 * Follows an ingest through the scheduler (`GET /tasks/:id` as the gateway
 * asks it) until it ends or MEDIAFLOW_FILE_WAIT_MS has passed.
 */
@Injectable()
export class IngestFollower {
  private readonly waitMs: number;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'MEDIAFLOW_FILE_WAIT_MS'>,
  ) {
    this.waitMs = config.MEDIAFLOW_FILE_WAIT_MS;
  }

  /** The ingest as it is once it has ended, or as it was last seen when the wait ran out. */
  async follow(projectId: string, task: TaskRecord): Promise<TaskRecord> {
    const deadline = Date.now() + this.waitMs;
    let current = task;
    let pause = FIRST_POLL_MS;
    while (!isFinalStatus(current.status)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(pause, left));
      pause = Math.min(pause * 2, LONGEST_POLL_MS);
      try {
        current = await this.bus.request(schedulerRpc.getTask, {
          project_id: projectId,
          id: task.id,
        });
      } catch (error) {
        if (!isTransient(error)) throw error;
      }
    }
    return current;
  }
}
