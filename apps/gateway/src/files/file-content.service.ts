import { Readable } from 'node:stream';
import { MediaflowError, idSchema, schedulerRpc, type StoredFile } from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import {
  MAX_PRESIGN_SECONDS,
  StorageNotFoundError,
  canPresign,
  type Storage,
} from '@mediaflow/storage';
import { Inject, Injectable } from '@nestjs/common';
import { MISSING_KEY_MESSAGE, bearerSecret } from '../auth/api-key.guard';
import { AuthService } from '../auth/auth.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import {
  fileEtag,
  planContentResponse,
  type ContentConditions,
  type ContentPlan,
} from './content-response';
import { FileUrls } from './file-urls';
import { STORAGE } from './storage.provider';
import { linkTrackImages, type TrackLink } from './track-links';

/** How a download proves it may read a file: an API key, or the signed URL's query. */
export interface ContentAccess {
  authorization?: string | string[];
  expires?: unknown;
  signature?: unknown;
  projectId?: unknown;
}

/** Who is reading: the project, and until when a signed URL lets them (null with an API key). */
export interface ContentReader {
  projectId: string;
  signedUntil: Date | null;
}

export type ContentAnswer =
  | {
      plan: ContentPlan;
      /** The bytes to send, for a 200 or a 206. */
      body?: Readable;
    }
  /** A 302 to a presigned URL of the bucket (MEDIAFLOW_S3_REDIRECT_DOWNLOADS). */
  | { redirect: string };

const projectIdSchema = idSchema('prj');

/** A thumbnails track of 400 cues is about 30 KB; past this a track is served as stored. */
const MAX_LINKED_TRACK_BYTES = 4 * 1024 * 1024;

@Injectable()
export class FileContentService {
  private readonly redirectDownloads: boolean;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(STORAGE) private readonly storage: Storage,
    private readonly urls: FileUrls,
    private readonly auth: AuthService,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'MEDIAFLOW_S3_REDIRECT_DOWNLOADS'>,
  ) {
    this.redirectDownloads = config.MEDIAFLOW_S3_REDIRECT_DOWNLOADS;
  }

  /**
   * Who may read file `id`: the project a genuine, unexpired signed URL
   * names, until the URL expires, or the API key's. Anything else is a 401.
   */
  async readerOf(id: string, access: ContentAccess): Promise<ContentReader> {
    const signed = access.expires !== undefined || access.signature !== undefined;
    if (signed && this.urls.verify(id, access.expires, access.signature)) {
      const project = projectIdSchema.safeParse(access.projectId);
      if (project.success) {
        return { projectId: project.data, signedUntil: new Date(Number(access.expires) * 1000) };
      }
    }
    const secret = bearerSecret(access.authorization);
    if (secret) {
      return { projectId: (await this.auth.authenticate(secret)).projectId, signedUntil: null };
    }
    throw new MediaflowError(
      'unauthorized',
      signed ? 'This download link is invalid or has expired' : MISSING_KEY_MESSAGE,
    );
  }

  /**
   * The answer to a download: what to send, and the bytes streamed from
   * storage (never buffered), except a track that links other files (the
   * thumbnails sprite), which is served with those links signed for `origin`.
   * A signed download may instead be sent to the bucket itself
   * ({@link redirectTo}); `redirectable` is false where a presigned GET
   * cannot answer (a HEAD).
   */
  async open(
    reader: ContentReader,
    id: string,
    conditions: ContentConditions,
    origin: string,
    redirectable = true,
  ): Promise<ContentAnswer> {
    const file = await this.bus.request(schedulerRpc.getFile, {
      project_id: reader.projectId,
      id,
    });
    const stored = await this.storage.stat(file.storage_key);
    if (!stored) throw missingBytes(id);
    const links = stored.size <= MAX_LINKED_TRACK_BYTES ? await this.trackLinks(file, origin) : [];
    if (links.length > 0) return this.openLinkedTrack(file, links, conditions);
    if (redirectable && reader.signedUntil) {
      const redirect = await this.redirectTo(file, reader.signedUntil);
      if (redirect) return { redirect };
    }

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
    const range = plan.range ? { start: plan.range.start, end: plan.range.end } : undefined;
    return { plan, body: await this.read(file, range) };
  }

  /**
   * A presigned URL of the bucket that works no longer than our own signed
   * URL (nor than S3's 7 days), answering with the file's name and type; or
   * null when redirects are off or the storage cannot presign.
   */
  private async redirectTo(file: StoredFile, signedUntil: Date): Promise<string | null> {
    if (!this.redirectDownloads || !canPresign(this.storage)) return null;
    const remaining = Math.floor((signedUntil.getTime() - Date.now()) / 1000);
    return this.storage.presignedGetUrl(file.storage_key, {
      expiresInSeconds: Math.min(Math.max(remaining, 1), MAX_PRESIGN_SECONDS),
      filename: file.filename,
      contentType: file.mimetype,
    });
  }

  /** The files a WebVTT task output links (its `output.files`), with URLs signed now. */
  private async trackLinks(file: StoredFile, origin: string): Promise<TrackLink[]> {
    if (file.kind !== 'track' || file.format !== 'vtt' || file.task_id === null) return [];
    const task = await this.bus.request(schedulerRpc.getTask, {
      project_id: file.project_id,
      id: file.task_id,
    });
    const output = task.output as { id?: unknown; files?: StoredFile[] } | null;
    if (!output || output.id !== file.id || !output.files?.length) return [];
    const urlOf = this.urls.forOrigin(origin);
    return output.files.map((linked) => ({ filename: linked.filename, url: urlOf(linked) }));
  }

  /**
   * The rewritten bytes differ with every signature, so their validator is
   * weak and a range is served only without If-Range (it cannot promise the
   * same bytes as an earlier answer).
   */
  private async openLinkedTrack(
    file: StoredFile,
    links: TrackLink[],
    conditions: ContentConditions,
  ): Promise<ContentAnswer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.read(file)) chunks.push(chunk as Buffer);
    const bytes = Buffer.from(
      linkTrackImages(Buffer.concat(chunks).toString('utf8'), links),
      'utf8',
    );
    const plan = planContentResponse(
      {
        size: bytes.length,
        etag: `W/${fileEtag(file.id, bytes.length)}`,
        mimetype: file.mimetype,
        filename: file.filename,
      },
      conditions.ifRange === undefined ? conditions : { ...conditions, range: undefined },
    );
    if (plan.status === 200) return { plan, body: Readable.from([bytes]) };
    if (plan.status === 206)
      return { plan, body: Readable.from([bytes.subarray(plan.range.start, plan.range.end + 1)]) };
    return { plan };
  }

  private async read(file: StoredFile, range?: { start: number; end: number }): Promise<Readable> {
    try {
      return (await this.storage.get(file.storage_key, range)).stream;
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw missingBytes(file.id);
      throw error;
    }
  }
}

function missingBytes(id: string): MediaflowError {
  return new MediaflowError('not_found', `The bytes of file ${id} are missing`);
}
