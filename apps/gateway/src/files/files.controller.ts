import {
  FileListQuerySchema,
  IngestFileBodySchema,
  UploadQuerySchema,
  type FileWithTriggeredRuns,
  type List,
  type TaskObject,
} from '@mediaflow/contracts';
import { Body, Controller, Delete, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RequestOrigin } from '../http/request-origin';
import { parseBody, parseQuery } from '../http/request-parsing';
import { StreamedBody } from '../http/streamed-body';
import { IdempotencyClaim, Idempotent } from '../idempotency/idempotency.interceptor';
import { FileIngestService } from './file-ingest.service';
import { FilesService } from './files.service';

@Controller('files')
export class FilesController {
  constructor(
    private readonly files: FilesService,
    private readonly ingest: FileIngestService,
  ) {}

  /**
   * An upload (any body but JSON, streamed: the adapter leaves it unread
   * until the guard has passed) or `{ "url" }`. 201 with the file, or 202
   * with the ingest task when it outlasts MEDIAFLOW_FILE_WAIT_MS.
   */
  @Post()
  @Idempotent({ resumable: true })
  async create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @Query() query: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @RequestOrigin() origin: string,
    @IdempotencyClaim() claim: string | undefined,
  ): Promise<FileWithTriggeredRuns | TaskObject> {
    const answer =
      body instanceof StreamedBody
        ? await this.ingest.upload(
            caller.projectId,
            { request: request.raw, body, query: parseQuery(UploadQuerySchema, query) },
            { origin, claim },
          )
        : await this.ingest.fromUrl(caller.projectId, parseBody(IngestFileBodySchema, body), {
            origin,
            claim,
          });
    reply.status(answer.status);
    return answer.body;
  }

  @Get()
  list(
    @CurrentPrincipal() caller: Principal,
    @Query() query: unknown,
    @RequestOrigin() origin: string,
  ): Promise<List<FileWithTriggeredRuns>> {
    return this.files.list(caller.projectId, parseQuery(FileListQuerySchema, query), origin);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @RequestOrigin() origin: string,
  ): Promise<FileWithTriggeredRuns> {
    return this.files.get(caller.projectId, id, origin);
  }

  @Delete(':id')
  delete(@CurrentPrincipal() caller: Principal, @Param('id') id: string) {
    return this.files.delete(caller.projectId, id);
  }
}
