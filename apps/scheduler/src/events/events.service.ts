import { MediaflowError, type RpcResponse, type schedulerRpc } from '@mediaflow/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore } from '../database/scheduler-store';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import type { SchedulerRequest } from '../tasks/tasks.rpc-controller';
import { formatCursor, parseCursor } from './event-cursor';

/** Reads the project's event log, for the gateway's event streams. */
@Injectable()
export class EventsService {
  constructor(
    private readonly store: SchedulerStore,
    @Inject(SCHEDULER_CONFIG)
    private readonly config: Pick<SchedulerConfig, 'MEDIAFLOW_EVENT_RETENTION_HOURS'>,
  ) {}

  list(
    request: SchedulerRequest<'listEvents'>,
  ): Promise<RpcResponse<typeof schedulerRpc.listEvents>> {
    return this.store.autocommit(async (repos) => {
      const { project_id: projectId, after_event: afterEvent, after_cursor: afterCursor } = request;
      if (afterEvent === undefined && afterCursor === undefined) {
        // Following from now: nothing to read yet, only where to start.
        const end = await repos.events.end();
        return { data: [], cursor: formatCursor(end), has_more: false, pending: false };
      }
      const from =
        afterCursor !== undefined
          ? parseCursor(afterCursor)
          : await repos.events.position(projectId, afterEvent!);
      if (!from) {
        throw new MediaflowError(
          'event_expired',
          `Event ${afterEvent} is not in the project's event log: events are kept ${this.config.MEDIAFLOW_EVENT_RETENTION_HOURS} hours, and task.progress is never kept. Read the tasks again, then follow the stream without Last-Event-ID`,
        );
      }
      const read = await repos.events.after(
        { projectId, taskIds: request.task_ids, automationId: request.automation_id },
        from,
        request.limit,
      );
      const last = read.events.at(-1)?.position ?? from;
      return {
        data: read.events.map(({ position: _position, ...event }) => event),
        cursor: formatCursor(last),
        has_more: read.hasMore,
        pending: read.pending,
      };
    });
  }
}
