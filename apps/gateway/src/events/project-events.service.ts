import { MediaflowError, isEventId, taskTreeNodes } from '@mediaflow/contracts';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CredentialWatch } from '../auth/credential-watch';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { EventLog } from '../task-changes/event-log';
import { TaskChangeFeed } from '../task-changes/task-change-feed';
import { OpenStreams, streamTiming, type StreamTiming } from '../http/sse';
import { TasksService } from '../tasks/tasks.service';
import { FileUrls } from '../files/file-urls';
import { presentEventData } from './present-event';
import {
  ProjectEventStream,
  logFilter,
  logQuery,
  type ProjectEventFilter,
} from './project-event-stream';

export interface ProjectStreamRequest {
  taskId?: string;
  automationId?: string;
  lastEventId?: string;
}

@Injectable()
export class ProjectEventsService implements OnModuleDestroy {
  private readonly open: OpenStreams;
  private readonly timing: StreamTiming;

  constructor(
    private readonly tasks: TasksService,
    private readonly feed: TaskChangeFeed,
    private readonly log: EventLog,
    private readonly urls: FileUrls,
    credentials: CredentialWatch,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'MEDIAFLOW_TASK_RECHECK_MS'>,
  ) {
    this.open = new OpenStreams(credentials);
    this.timing = streamTiming(config.MEDIAFLOW_TASK_RECHECK_MS);
  }

  /**
   * Everything that can fail as an ordinary answer is done first (the task
   * filtered on read, for a 404; the first page of the log read, for an
   * expired `Last-Event-ID`), then the response is taken over from Fastify.
   */
  async stream(
    projectId: string,
    request: ProjectStreamRequest,
    origin: string,
    reply: FastifyReply,
  ): Promise<void> {
    const { lastEventId } = request;
    if (lastEventId !== undefined && !isEventId(lastEventId)) {
      throw new MediaflowError(
        'validation_failed',
        'Last-Event-ID must be the id of an event of this stream (evt_…)',
        [{ path: 'Last-Event-ID', message: 'must be an evt_ id' }],
      );
    }
    const filter: ProjectEventFilter = {
      ...(request.taskId !== undefined
        ? {
            taskIds: new Set(
              taskTreeNodes(await this.tasks.record(projectId, request.taskId)).map((n) => n.id),
            ),
          }
        : {}),
      ...(request.automationId !== undefined ? { automationId: request.automationId } : {}),
    };
    const first = await this.log.read(projectId, {
      ...logFilter(filter),
      ...(lastEventId !== undefined ? { after_event: lastEventId } : {}),
    });
    const stream = this.open.serve(
      reply,
      (sink) =>
        new ProjectEventStream(
          {
            read: (cursor) => this.log.read(projectId, logQuery(filter, cursor)),
            readTask: (id) => this.tasks.record(projectId, id),
            present: (task) => this.tasks.present(task, origin),
            presentOther: (event) => presentEventData(event, this.urls.forOrigin(origin)),
            follow: (listener) => this.feed.followProject(projectId, listener),
          },
          sink,
          this.timing,
          filter,
        ),
    );
    stream.start(first);
  }

  onModuleDestroy(): void {
    this.open.endAll();
  }
}
