import type { IncomingMessage } from 'node:http';
import {
  MediaflowError,
  schedulerRpc,
  type IngestFileBody,
  type IngestSource,
  type TaskRecord,
  type UploadQuery,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import type { StreamedBody } from '../http/streamed-body';
import type { Creation } from '../tasks/tasks.service';
import { RunsInFlightLimits } from '../projects/runs-in-flight-limits';
import { TaskWaiter } from '../task-changes/task-waiter';
import { presentTask } from '../tasks/present-task';
import { FileUrls } from './file-urls';
import { ingestOutcome, type IngestAnswer } from './ingest-outcome';
import { presentFileWithRuns } from './present-file';
import { StagedUploads, uploadTooLarge } from './staged-uploads';
import { uploadFilename } from './upload-filename';
import { openUpload } from './upload-source';

/** An upload as the route hands it over: the unread request, what the parser saw of it, its query. */
export interface Upload {
  request: IncomingMessage;
  body: StreamedBody;
  query: UploadQuery;
}

function emptyUpload(): MediaflowError {
  return new MediaflowError('input_unreadable', 'The upload is empty (0 bytes)');
}

/**
 * `POST /files`: a file from a URL or from the bytes sent. Either way the
 * scheduler runs an `ingest` task (probe, store) and the gateway waits for
 * it, MEDIAFLOW_FILE_WAIT_MS at most, to answer with the file and the runs
 * its triggers started.
 */
@Injectable()
export class FileIngestService {
  private readonly maxUploadBytes: number;
  private readonly waitMs: number;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly staged: StagedUploads,
    private readonly waiter: TaskWaiter,
    private readonly urls: FileUrls,
    private readonly runsInFlight: RunsInFlightLimits,
    @Inject(GATEWAY_CONFIG)
    config: Pick<GatewayConfig, 'MEDIAFLOW_MAX_UPLOAD_BYTES' | 'MEDIAFLOW_FILE_WAIT_MS'>,
  ) {
    this.maxUploadBytes = config.MEDIAFLOW_MAX_UPLOAD_BYTES;
    this.waitMs = config.MEDIAFLOW_FILE_WAIT_MS;
  }

  /** `{ "url": …, "filename"?: … }`: the worker downloads it safely (net-guard), as a run's source. */
  async fromUrl(
    projectId: string,
    body: IngestFileBody,
    { origin, claim }: Creation,
  ): Promise<IngestAnswer> {
    const since = this.waiter.mark();
    const task = await this.ingest(projectId, { url: body.url }, body.filename ?? null, claim);
    return this.answer(projectId, task, origin, since);
  }

  /**
   * The bytes, streamed into storage under a staging key (413 past
   * MEDIAFLOW_MAX_UPLOAD_BYTES, nothing left behind; 422 for none at all),
   * then ingested from there. An ingest that could not be asked for leaves
   * no staged bytes either.
   */
  async upload(
    projectId: string,
    upload: Upload,
    { origin, claim }: Creation,
  ): Promise<IngestAnswer> {
    const { body } = upload;
    // What the client declares is refused before a byte is read (a multipart body's length is more than its file).
    if (!body.isMultipart && body.length !== null) {
      if (body.length > this.maxUploadBytes) throw uploadTooLarge(this.maxUploadBytes);
      if (body.length === 0) throw emptyUpload();
    }
    const source = await openUpload(upload.request, body);
    const filename = uploadFilename({
      query: upload.query.filename,
      part: source.partFilename,
      disposition: upload.request.headers['content-disposition'],
    });
    const { key, size } = await this.staged.stage(projectId, source, this.maxUploadBytes);
    if (size === 0) {
      await this.staged.discard(key);
      throw emptyUpload();
    }
    const since = this.waiter.mark();
    let task: TaskRecord;
    try {
      // A retry under the same claim gets the ingest made the first time; the
      // scheduler then deletes these bytes, staged again.
      task = await this.ingest(projectId, { staged_key: key }, filename, claim);
    } catch (error) {
      await this.staged.discard(key);
      throw error;
    }
    return this.answer(projectId, task, origin, since);
  }

  private async ingest(
    projectId: string,
    source: IngestSource,
    filename: string | null,
    claim: string | undefined,
  ): Promise<TaskRecord> {
    return this.bus.request(schedulerRpc.createIngest, {
      project_id: projectId,
      source,
      filename,
      idempotency_key: claim,
      runs_in_flight_limit: await this.runsInFlight.of(projectId),
    });
  }

  /**
   * The stored file once the ingest has ended, or the task still running
   * when MEDIAFLOW_FILE_WAIT_MS has passed. The file is read again for its
   * `triggered_runs`: the scheduler made them in the transaction that
   * completed the ingest, so they are all there once it is.
   */
  private async answer(
    projectId: string,
    task: TaskRecord,
    origin: string,
    since: number,
  ): Promise<IngestAnswer> {
    const ended = await this.waiter.untilEnded(projectId, task, this.waitMs, since);
    const outcome = ingestOutcome(ended);
    const urlOf = this.urls.forOrigin(origin);
    if ('running' in outcome) return { status: 202, body: presentTask(outcome.running, urlOf) };
    const file = await this.bus.request(schedulerRpc.getFile, {
      project_id: projectId,
      id: outcome.stored.id,
    });
    return { status: 201, body: presentFileWithRuns(file, urlOf) };
  }
}
