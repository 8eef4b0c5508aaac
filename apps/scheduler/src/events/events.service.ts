import {
  MediaflowError,
  endpointWants,
  notFound,
  toList,
  type List,
  type LoggedEventRecord,
  type LoggedEventWithDeliveries,
  type RpcResponse,
  type schedulerRpc,
} from '@mediaflow/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { SchedulerConfig } from '../config';
import { SchedulerStore, type Repositories } from '../database/scheduler-store';
import { SCHEDULER_CONFIG } from '../scheduler-tokens';
import type { SchedulerRequest } from '../tasks/tasks.rpc-controller';
import { formatCursor, parseCursor } from './event-cursor';
import { withDeliveries } from './event-delivery-object';

/**
 * The project's event log: read for the gateway's event streams and
 * `GET /events`, written by the registry's automation events too, and
 * delivered again on request.
 */
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
          `Event ${afterEvent} is not in the project's event log: events are kept ${keptFor(this.config.MEDIAFLOW_EVENT_RETENTION_HOURS)}, and task.progress is never kept. Read the tasks again, then follow the stream without Last-Event-ID`,
        );
      }
      const read = await repos.events.after(
        { projectId, taskIds: request.task_ids, automationId: request.automation_id },
        from,
        request.limit,
      );
      const last = read.events.at(-1)?.position ?? from;
      return {
        data: read.events.map(({ event }) => event),
        cursor: formatCursor(last),
        has_more: read.hasMore,
        pending: read.pending,
      };
    });
  }

  /** `GET /events`: newest first, each event with its deliveries. */
  page(request: SchedulerRequest<'pageEvents'>): Promise<List<LoggedEventWithDeliveries>> {
    return this.store.autocommit(async (repos) => {
      const { events, total } = await repos.events.page(
        {
          projectId: request.project_id,
          taskIds: request.task_ids,
          automationId: request.automation_id,
          type: request.type,
        },
        request,
      );
      const deliveries = await repos.eventDeliveries.ofEvents(events.map((event) => event.id));
      return toList(withDeliveries(events, deliveries), request, total);
    });
  }

  get(projectId: string, id: string): Promise<LoggedEventWithDeliveries> {
    return this.store.autocommit(async (repos) =>
      this.withItsDeliveries(repos, await this.find(repos, projectId, id)),
    );
  }

  /**
   * The event again, as a new delivery (a day of retries of its own): to
   * `endpointId` whatever types it asks for, or to every active endpoint
   * that asks for the event's type. Answers the event with every delivery.
   */
  redeliver(
    projectId: string,
    id: string,
    endpointId: string | undefined,
  ): Promise<LoggedEventWithDeliveries> {
    return this.store.transaction(async (repos) => {
      const event = await this.find(repos, projectId, id);
      let targets: string[];
      if (endpointId !== undefined) {
        const endpoint = await repos.webhookEndpoints.find(projectId, endpointId);
        if (!endpoint) throw notFound('webhook endpoint', endpointId);
        if (endpoint.status === 'paused') {
          throw new MediaflowError(
            'conflict',
            `Webhook endpoint ${endpointId} is paused: set its status to active to deliver to it`,
          );
        }
        targets = [endpoint.id];
      } else {
        targets = (await repos.webhookEndpoints.active(projectId))
          .filter((endpoint) => endpointWants(endpoint.enabled_events, event.type))
          .map((endpoint) => endpoint.id);
        if (targets.length === 0) {
          throw new MediaflowError(
            'conflict',
            `No active webhook endpoint of the project asks for ${event.type} events`,
          );
        }
      }
      await repos.eventDeliveries.add(
        targets.map((endpoint) => ({ event_id: event.id, endpoint_id: endpoint })),
        true,
      );
      return this.withItsDeliveries(repos, event);
    });
  }

  /**
   * The registry's automation events, kept once each (by id): a batch sent
   * again, its reply lost, adds nothing. Answers how many were received.
   */
  async recordAutomationEvents(
    events: SchedulerRequest<'recordAutomationEvents'>['events'],
  ): Promise<{ accepted: number }> {
    await this.store.transaction((repos) =>
      repos.events.keep(
        events.map(({ project_id, event }) => ({
          project_id,
          run_id: null,
          task_id: null,
          automation_id: event.data.id,
          event,
        })),
      ),
    );
    return { accepted: events.length };
  }

  private async find(
    repos: Repositories,
    projectId: string,
    id: string,
  ): Promise<LoggedEventRecord> {
    const event = await repos.events.find(projectId, id);
    if (!event) {
      throw new MediaflowError(
        'not_found',
        `No event ${id.slice(0, 64)} in this project's event log (events are kept ${keptFor(this.config.MEDIAFLOW_EVENT_RETENTION_HOURS)})`,
      );
    }
    return event;
  }

  private async withItsDeliveries(
    repos: Repositories,
    event: LoggedEventRecord,
  ): Promise<LoggedEventWithDeliveries> {
    return withDeliveries([event], await repos.eventDeliveries.ofEvents([event.id]))[0]!;
  }
}

/** How long the log keeps an event; 0 hours: as long as its run (retention off: for ever). */
function keptFor(hours: number): string {
  return hours === 0 ? 'as long as their runs' : `${hours} hours`;
}
