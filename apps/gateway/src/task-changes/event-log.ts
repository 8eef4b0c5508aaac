import {
  MediaflowError,
  isTaskEvent,
  schedulerRpc,
  type ProjectEventRecord,
  type RpcRequest,
  type RpcResponse,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';

export type EventLogPage = RpcResponse<typeof schedulerRpc.listEvents>;
export type EventLogQuery = Omit<
  RpcRequest<typeof schedulerRpc.listEvents>,
  'project_id' | 'limit'
>;

/** Events per read of the log. */
export const EVENT_PAGE = 200;

/** The project's event log, kept by the scheduler: what a stream resumes from. */
@Injectable()
export class EventLog {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  /** One page of kept events. An unknown `after_event` rejects with `event_expired`. */
  read(projectId: string, query: EventLogQuery): Promise<EventLogPage> {
    return this.bus.request(schedulerRpc.listEvents, {
      project_id: projectId,
      ...query,
      limit: EVENT_PAGE,
    });
  }

  /**
   * Every kept event of these tasks after `eventId`, for a stream resumed on
   * them; none when the log no longer has `eventId` (the stream then starts
   * over from the tasks as they are, which loses nothing either).
   */
  async since(
    projectId: string,
    eventId: string,
    taskIds: readonly string[],
  ): Promise<ProjectEventRecord[]> {
    const events: ProjectEventRecord[] = [];
    let query: EventLogQuery = { after_event: eventId, task_ids: [...taskIds] };
    try {
      for (;;) {
        const page = await this.read(projectId, query);
        // A task filter finds only task events; narrowed for the types.
        events.push(...page.data.filter(isTaskEvent));
        if (!page.has_more) return events;
        query = { after_cursor: page.cursor, task_ids: [...taskIds] };
      }
    } catch (error) {
      if (error instanceof MediaflowError && error.code === 'event_expired') return [];
      throw error;
    }
  }
}
