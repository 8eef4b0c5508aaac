import { Inject, Injectable, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SSE_HEADERS } from './task-events';
import {
  DEFAULT_TASK_EVENT_TIMING,
  TaskEventStream,
  type TaskEventTiming,
} from './task-event-stream';
import { TasksService } from './tasks.service';

/** Overrides the poll and heartbeat intervals of task event streams (tests). */
export const TASK_EVENT_TIMING = Symbol('TASK_EVENT_TIMING');

@Injectable()
export class TaskEventsService implements OnModuleDestroy {
  private readonly open = new Set<TaskEventStream>();

  constructor(
    private readonly tasks: TasksService,
    @Optional()
    @Inject(TASK_EVENT_TIMING)
    private readonly timing: TaskEventTiming = DEFAULT_TASK_EVENT_TIMING,
  ) {}

  /**
   * Reads the task first, so that an unknown one is an ordinary 404; then
   * takes the response over from Fastify and streams on it.
   */
  async stream(projectId: string, id: string, origin: string, reply: FastifyReply): Promise<void> {
    const first = await this.tasks.record(projectId, id);
    reply.hijack();
    reply.raw.writeHead(200, SSE_HEADERS);
    const stream = new TaskEventStream(
      {
        read: () => this.tasks.record(projectId, id),
        present: (task) => this.tasks.present(task, origin),
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
