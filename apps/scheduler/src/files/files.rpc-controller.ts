import {
  schedulerRpc,
  type List,
  type StoredFileWithRuns,
  type TaskRecord,
} from '@mediaflow/contracts';
import { RpcErrorPassthroughFilter } from '@mediaflow/messaging';
import { Controller, UseFilters } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import type { SchedulerRequest } from '../tasks/tasks.rpc-controller';
import { FilesService, type DeletedFile } from './files.service';

/** The scheduler's file subjects; each one calls the service and nothing else. */
@Controller()
@UseFilters(new RpcErrorPassthroughFilter())
export class FilesRpcController {
  constructor(private readonly files: FilesService) {}

  @MessagePattern(schedulerRpc.createIngest.subject)
  createIngest(@Payload() request: SchedulerRequest<'createIngest'>): Promise<TaskRecord> {
    return this.files.ingest(request.project_id, request.source, request.filename, {
      idempotencyKey: request.idempotency_key,
      runsInFlightLimit: request.runs_in_flight_limit,
    });
  }

  @MessagePattern(schedulerRpc.getFile.subject)
  getFile(@Payload() request: SchedulerRequest<'getFile'>): Promise<StoredFileWithRuns> {
    return this.files.get(request.project_id, request.id);
  }

  @MessagePattern(schedulerRpc.listFiles.subject)
  listFiles(@Payload() request: SchedulerRequest<'listFiles'>): Promise<List<StoredFileWithRuns>> {
    return this.files.list(request.project_id, request.query);
  }

  @MessagePattern(schedulerRpc.deleteFile.subject)
  deleteFile(@Payload() request: SchedulerRequest<'deleteFile'>): Promise<DeletedFile> {
    return this.files.delete(request.project_id, request.id);
  }
}
