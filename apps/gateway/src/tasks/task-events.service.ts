import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { TaskChangeFeed } from '../task-changes/task-change-feed';
import { SSE_HEADERS } from './task-events';
import { HEARTBEAT_MS, TaskEventStream, type TaskEventTiming } from './task-event-stream';
import { TasksService } from './tasks.service';

@Injectable()
export class TaskEventsService implements OnModuleDestroy {
  private readonly open = new Set<TaskEventStream>();
  private readonly timing: TaskEventTiming;

  constructor(
    private readonly tasks: TasksService,
    private readonly feed: TaskChangeFeed,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'MEDIAFLOW_TASK_RECHECK_MS'>,
  ) {
    this.timing = { recheckMs: config.MEDIAFLOW_TASK_RECHECK_MS, heartbeatMs: HEARTBEAT_MS };
  }

  /**
   * Reads the task first, so that an unknown one is an ordinary 404; then
   * takes the response over from Fastify and streams on it, following the
   * change notifications of the task and its steps.
   */
  async stream(projectId: string, id: string, origin: string, reply: FastifyReply): Promise<void> {
    const since = this.feed.mark();
    const first = await this.tasks.record(projectId, id);
    reply.hijack();
    reply.raw.writeHead(200, SSE_HEADERS);
    const stream = new TaskEventStream(
      {
        read: () => this.tasks.record(projectId, id),
        present: (task) => this.tasks.present(task, origin),
        watch: (taskIds, wake) => this.feed.watch(taskIds, wake, since),
      },
      reply.raw,
      this.timing,
    );
    this.open.add(stream);
    stream.onClose(() => this.open.delete(stream));
    stream.start(first);
  }

  /** Streams are not idle connections: end them, or the HTTP server would wait for them to close. */
  onModuleDestroy(): void {
    for (const stream of [...this.open]) stream.end();
  }
}
