import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isEventId, taskTreeNodes, type ProjectEventRecord } from '@mediaflow/contracts';
import { CredentialWatch } from '../auth/credential-watch';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { EventLog } from '../task-changes/event-log';
import { TaskChangeFeed } from '../task-changes/task-change-feed';
import { OpenStreams, streamTiming, type StreamTiming } from '../http/sse';
import { TaskEventStream } from './task-event-stream';
import { TasksService } from './tasks.service';

@Injectable()
export class TaskEventsService implements OnModuleDestroy {
  private readonly open: OpenStreams;
  private readonly timing: StreamTiming;

  constructor(
    private readonly tasks: TasksService,
    private readonly feed: TaskChangeFeed,
    private readonly log: EventLog,
    credentials: CredentialWatch,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'MEDIAFLOW_TASK_RECHECK_MS'>,
  ) {
    this.open = new OpenStreams(credentials);
    this.timing = streamTiming(config.MEDIAFLOW_TASK_RECHECK_MS);
  }

  /**
   * Reads the task first, so that an unknown one is an ordinary 404; then
   * takes the response over from Fastify and streams on it, following the
   * change notifications of the task and its steps. With `Last-Event-ID`
   * (an event of this stream), the kept events since come first.
   */
  async stream(
    projectId: string,
    id: string,
    origin: string,
    reply: FastifyReply,
    lastEventId?: string,
  ): Promise<void> {
    const since = this.feed.mark();
    let first = await this.tasks.record(projectId, id);
    let replay: ProjectEventRecord[] = [];
    if (lastEventId !== undefined && isEventId(lastEventId)) {
      replay = await this.log.since(
        projectId,
        lastEventId,
        taskTreeNodes(first).map((node) => node.id),
      );
      // Read again: the task as it is now is no older than the events replayed.
      if (replay.length > 0) first = await this.tasks.record(projectId, id);
    }
    const stream = this.open.serve(
      reply,
      (sink) =>
        new TaskEventStream(
          {
            read: () => this.tasks.record(projectId, id),
            present: (task) => this.tasks.present(task, origin),
            watch: (taskIds, wake) => this.feed.watch(taskIds, wake, since),
          },
          sink,
          this.timing,
        ),
    );
    stream.start(first, replay);
  }

  onModuleDestroy(): void {
    this.open.endAll();
  }
}
