import { Readable } from 'node:stream';
import { MediaflowError, idSchema, schedulerRpc } from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { StorageNotFoundError, type Storage } from '@mediaflow/storage';
import { Inject, Injectable } from '@nestjs/common';
import { MISSING_KEY_MESSAGE, bearerSecret } from '../auth/api-key.guard';
import { AuthService } from '../auth/auth.service';
import {
  fileEtag,
  planContentResponse,
  type ContentConditions,
  type ContentPlan,
} from './content-response';
import { FileUrls } from './file-urls';
import { STORAGE } from './storage.provider';

/** How a download proves it may read a file: an API key, or the signed URL's query. */
export interface ContentAccess {
  authorization?: string | string[];
  expires?: unknown;
  signature?: unknown;
  projectId?: unknown;
}

export interface ContentAnswer {
  plan: ContentPlan;
  /** The bytes to send, for a 200 or a 206. */
  body?: Readable;
}

const projectIdSchema = idSchema('prj');

@Injectable()
export class FileContentService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly urls: FileUrls,
    private readonly auth: AuthService,
  ) {}

  /**
   * The project whose file `id` the caller may read: the one a genuine,
   * unexpired signed URL names, or the API key's. Anything else is a 401.
   */
  async projectFor(id: string, access: ContentAccess): Promise<string> {
    const signed = access.expires !== undefined || access.signature !== undefined;
    if (signed && this.urls.verify(id, access.expires, access.signature)) {
      const project = projectIdSchema.safeParse(access.projectId);
      if (project.success) return project.data;
    }
    const secret = bearerSecret(access.authorization);
    if (secret) return (await this.auth.authenticate(secret)).projectId;
    throw new MediaflowError(
      'unauthorized',
      signed ? 'This download link is invalid or has expired' : MISSING_KEY_MESSAGE,
    );
  }

  /** The answer to a download: what to send, and the bytes streamed from storage (never buffered). */
  async open(projectId: string, id: string, conditions: ContentConditions): Promise<ContentAnswer> {
    const file = await this.bus.request(schedulerRpc.getFile, { project_id: projectId, id });
    const missing = () => new MediaflowError('not_found', `The bytes of file ${id} are missing`);
    const stored = await this.storage.stat(file.storage_key);
    if (!stored) throw missing();
    const plan = planContentResponse(
      {
        size: stored.size,
        etag: fileEtag(file.id, stored.size),
        mimetype: file.mimetype,
        filename: file.filename,
      },
      conditions,
    );
    if (plan.status !== 200 && plan.status !== 206) return { plan };
    try {
      const range = plan.range ? { start: plan.range.start, end: plan.range.end } : undefined;
      const { stream } = await this.storage.get(file.storage_key, range);
      return { plan, body: stream };
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw missing();
      throw error;
    }
  }
}
