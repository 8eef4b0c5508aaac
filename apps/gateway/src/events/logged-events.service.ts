import {
  schedulerRpc,
  taskTreeNodes,
  type EventListQuery,
  type List,
  type LoggedEvent,
  type LoggedEventWithDeliveries,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { FileUrls } from '../files/file-urls';
import { TasksService } from '../tasks/tasks.service';
import { presentLoggedEvent, type EventPresenter } from './present-event';

/**
 * `GET /events` and what goes with it: the scheduler's event log read
 * newest first, each event with its deliveries to webhook endpoints, its
 * data presented as the event streams send it.
 */
@Injectable()
export class LoggedEventsService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly tasks: TasksService,
    private readonly urls: FileUrls,
  ) {}

  /** `task_id` means the task and, for a run, its steps, as on the event stream (404 for no such task). */
  async list(projectId: string, query: EventListQuery, origin: string): Promise<List<LoggedEvent>> {
    const taskIds =
      query.task_id !== undefined
        ? taskTreeNodes(await this.tasks.record(projectId, query.task_id)).map((node) => node.id)
        : undefined;
    const page = await this.bus.request(schedulerRpc.pageEvents, {
      project_id: projectId,
      page: query.page,
      limit: query.limit,
      ...(query.type !== undefined ? { type: query.type } : {}),
      ...(taskIds !== undefined ? { task_ids: taskIds } : {}),
      ...(query.automation_id !== undefined ? { automation_id: query.automation_id } : {}),
    });
    const presenter = this.presenter(origin);
    return { ...page, data: page.data.map((event) => presentLoggedEvent(event, presenter)) };
  }

  async get(projectId: string, id: string, origin: string): Promise<LoggedEvent> {
    return this.present(
      await this.bus.request(schedulerRpc.getEvent, { project_id: projectId, id }),
      origin,
    );
  }

  async redeliver(
    projectId: string,
    id: string,
    endpointId: string | undefined,
    origin: string,
  ): Promise<LoggedEvent> {
    return this.present(
      await this.bus.request(schedulerRpc.redeliverEvent, {
        project_id: projectId,
        id,
        ...(endpointId !== undefined ? { endpoint_id: endpointId } : {}),
      }),
      origin,
    );
  }

  private present(event: LoggedEventWithDeliveries, origin: string): LoggedEvent {
    return presentLoggedEvent(event, this.presenter(origin));
  }

  private presenter(origin: string): EventPresenter {
    return {
      task: (task) => this.tasks.present(task, origin),
      fileUrl: this.urls.forOrigin(origin),
    };
  }
}
