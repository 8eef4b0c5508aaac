import { MediaflowApiError, STATUS_OF_CODE } from '../errors';
import {
  preparePortable,
  uploadBody,
  type PreparedSource,
  type UploadOptions,
  type UploadProgress,
  type UploadSource,
  type UploadTransport,
} from '../files/upload-body';
import type { HttpClient } from '../http/http-client';
import { ITERATE_PAGE_LIMIT, paginate } from '../pagination';
import type {
  DeletedFile,
  FileListQuery,
  FileObject,
  FileUploadResult,
  FileWithTriggeredRuns,
  IdempotentOptions,
  List,
  RequestOptions,
} from '../types';
import { path } from './path';
import type { Tasks, WaitOptions } from './tasks';

/**
 * `POST /files` waits for its ingest up to MEDIAFLOW_FILE_WAIT_MS (120 s by
 * default, 150 s at most) before answering 202: an upload's or an ingest's
 * time limit is at least that, and a little more.
 */
const FILE_WAIT_LIMIT_MS = 155_000;

/** A file, by id or as an answer of the API (whose signed `url` is used while it works). */
export type FileRef = string | Pick<FileObject, 'id'> | Pick<FileObject, 'id' | 'url'>;

export interface IngestOptions extends IdempotentOptions {
  /** The stored file's name; by default the server's (Content-Disposition) or the URL's. */
  filename?: string;
}

/** `/files`: uploads, URL ingests, listing and downloads. */
export class Files {
  constructor(
    protected readonly http: HttpClient,
    private readonly tasks: Tasks,
    private readonly transport: UploadTransport,
  ) {}

  /**
   * Stores a file from its bytes and probes it. Answers the file (201), or
   * the `ingest` task when storing outlasted the API's wait (202: `object`
   * is `'task'`; {@link wait} turns it into the file). `onProgress` follows
   * the bytes as they go in Node.js and, for a Blob or bytes, in browsers;
   * a retried upload starts again from 0. A stream is sent once: the SDK
   * retries it only if nothing of it was read.
   */
  async upload(source: UploadSource, options: UploadOptions = {}): Promise<FileUploadResult> {
    return this.send(await this.prepare(source), options);
  }

  /** Downloads a URL into a stored file (the same rules as a run's source). */
  async ingest(url: string, options: IngestOptions = {}): Promise<FileUploadResult> {
    const { filename, idempotencyKey, ...rest } = options;
    return (
      await this.http.request<FileUploadResult>({
        method: 'POST',
        path: '/files',
        json: filename === undefined ? { url } : { url, filename },
        idempotencyKey,
        minTimeoutMs: FILE_WAIT_LIMIT_MS,
        options: rest,
      })
    ).data;
  }

  /**
   * The file an upload or an ingest answered: at once for a 201, else once
   * its `ingest` task has ended. A failed ingest throws the
   * {@link MediaflowApiError} the API would have answered had it ended in
   * time (422 `input_unreadable`, …), with the task.
   */
  async wait(result: FileUploadResult, options: WaitOptions = {}): Promise<FileWithTriggeredRuns> {
    if (result.object === 'file') return result;
    const task = await this.tasks.wait(result.id, options);
    const output = task.output as { object?: unknown; id?: unknown } | null;
    if (task.status === 'completed' && output?.object === 'file' && typeof output.id === 'string')
      return this.get(output.id, { signal: options.signal });
    const code = task.error?.code ?? 'internal';
    throw new MediaflowApiError({
      status: STATUS_OF_CODE[code] ?? 500,
      code,
      message: task.error?.message ?? `the ingest ended ${task.status}`,
      task,
    });
  }

  async get(id: string, options?: RequestOptions): Promise<FileWithTriggeredRuns> {
    return (
      await this.http.request<FileWithTriggeredRuns>({
        method: 'GET',
        path: path`/files/${id}`,
        options,
      })
    ).data;
  }

  /** One page, newest first (`kind`). */
  async list(
    query: FileListQuery = {},
    options?: RequestOptions,
  ): Promise<List<FileWithTriggeredRuns>> {
    return (
      await this.http.request<List<FileWithTriggeredRuns>>({
        method: 'GET',
        path: '/files',
        query,
        options,
      })
    ).data;
  }

  iterate(
    query: FileListQuery = {},
    options?: RequestOptions,
  ): AsyncGenerator<FileWithTriggeredRuns> {
    return paginate((page) => this.list({ limit: ITERATE_PAGE_LIMIT, ...query, page }, options));
  }

  /** Deletes the file: its bytes and its record. */
  async delete(id: string, options?: RequestOptions): Promise<DeletedFile> {
    return (
      await this.http.request<DeletedFile>({ method: 'DELETE', path: path`/files/${id}`, options })
    ).data;
  }

  /**
   * The file's bytes, as a stream, through its signed `url` (no key is
   * sent with it). Given a file object, its `url` is used while it works,
   * and a fresh one is read once it has expired; given an id, the file is
   * read first. A stream broken mid-way is not resumed.
   */
  async download(file: FileRef, options?: RequestOptions): Promise<ReadableStream<Uint8Array>> {
    const id = typeof file === 'string' ? file : file.id;
    let url = typeof file === 'object' && 'url' in file ? file.url : undefined;
    for (let fresh = url === undefined; ; fresh = true) {
      url ??= (await this.get(id, options)).url;
      try {
        const response = await this.http.open({ method: 'GET', path: url, auth: false, options });
        return response.body ?? new Blob([]).stream();
      } catch (error) {
        // An expired signed URL is a 401: a fresh one cures it.
        if (fresh || !MediaflowApiError.is(error) || error.status !== 401) throw error;
        url = undefined;
      }
    }
  }

  /** The bytes of `source` ready to send; a TypeError for what this platform does not take. */
  protected async prepare(source: unknown): Promise<PreparedSource> {
    if (typeof source === 'string') {
      throw new TypeError(
        'files.upload(path) reads a file from disk: Node.js only (the node entry of @mediaflow/sdk). ' +
          'In a browser, pass a File, a Blob, bytes or a stream.',
      );
    }
    const prepared = preparePortable(source);
    if (!prepared)
      throw new TypeError(
        'files.upload takes bytes (Uint8Array, ArrayBuffer), a Blob or File, a ReadableStream or an async iterable of bytes',
      );
    if (!prepared.whole && !this.transport.streaming) {
      // Browsers send no stream over HTTP/1.1: the bytes are gathered first.
      const blob = await new Response(prepared.stream()).blob();
      return {
        ...prepared,
        stream: () => blob.stream(),
        whole: blob,
        size: blob.size,
        replayable: true,
      };
    }
    return prepared;
  }

  protected async send(source: PreparedSource, options: UploadOptions): Promise<FileUploadResult> {
    const { filename, contentType, size, onProgress, idempotencyKey, ...rest } = options;
    let last: UploadProgress | undefined;
    const report = onProgress
      ? (progress: UploadProgress) => {
          last = progress;
          onProgress(progress);
        }
      : undefined;
    const name = filename ?? source.filename;
    const { data } = await this.http.request<FileUploadResult>({
      method: 'POST',
      path: '/files',
      query: name === undefined ? undefined : { filename: name },
      bytes: uploadBody(source, { contentType, size, onProgress: report }, this.transport),
      idempotencyKey,
      minTimeoutMs: FILE_WAIT_LIMIT_MS,
      options: rest,
    });
    // Where the platform could not follow the bytes, they have all gone once the answer is in.
    const total = size ?? source.size ?? last?.total;
    if (report && total !== undefined && last?.loaded !== total) report({ loaded: total, total });
    return data;
  }
}
