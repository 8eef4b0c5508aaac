import { schedulerRpc, type List, type TaskRecord } from '@mediaflow/contracts';
import { RpcErrorPassthroughFilter } from '@mediaflow/messaging';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import { TasksService } from './tasks.service';

/** The request of a scheduler RPC, already parsed by its contract on arrival. */
export type SchedulerRequest<K extends keyof typeof schedulerRpc> = z.output<
  (typeof schedulerRpc)[K]['request']
>;

/**
 * The scheduler's task subjects; each one calls the service and nothing
 * else. The passthrough filter lets a MediaflowError reach the bus with its
 * code (see the registry's RPC controller for why it is bound here).
 */
@Controller()
@UseFilters(new RpcErrorPassthroughFilter())
export class TasksRpcController {
  constructor(private readonly tasks: TasksService) {}

  @MessagePattern(schedulerRpc.createRun.subject)
  createRun(@Payload() request: SchedulerRequest<'createRun'>): Promise<TaskRecord> {
    return this.tasks.createRun({
      projectId: request.project_id,
      automationId: request.automation_id,
      workflow: request.workflow,
      source: request.source,
      webhook: request.webhook,
      idempotencyKey: request.idempotency_key,
      runsInFlightLimit: request.runs_in_flight_limit,
    });
  }

  @MessagePattern(schedulerRpc.createTask.subject)
  createTask(@Payload() request: SchedulerRequest<'createTask'>): Promise<TaskRecord> {
    return this.tasks.createTask({
      projectId: request.project_id,
      kind: request.kind,
      options: request.options,
      source: request.source,
      webhook: request.webhook,
      idempotencyKey: request.idempotency_key,
      runsInFlightLimit: request.runs_in_flight_limit,
    });
  }

  @MessagePattern(schedulerRpc.getTask.subject)
  getTask(@Payload() request: SchedulerRequest<'getTask'>): Promise<TaskRecord> {
    return this.tasks.get(request.project_id, request.id);
  }

  @MessagePattern(schedulerRpc.listTasks.subject)
  listTasks(@Payload() request: SchedulerRequest<'listTasks'>): Promise<List<TaskRecord>> {
    return this.tasks.list(request.project_id, request.query);
  }

  @MessagePattern(schedulerRpc.cancelTask.subject)
  cancelTask(@Payload() request: SchedulerRequest<'cancelTask'>): Promise<TaskRecord> {
    return this.tasks.cancel(request.project_id, request.id);
  }

  @MessagePattern(schedulerRpc.retryTask.subject)
  retryTask(@Payload() request: SchedulerRequest<'retryTask'>): Promise<TaskRecord> {
    return this.tasks.retry({
      projectId: request.project_id,
      taskId: request.id,
      idempotencyKey: request.idempotency_key,
      runsInFlightLimit: request.runs_in_flight_limit,
    });
  }
}
