import {
  schedulerRpc,
  type FileListQuery,
  type FileWithTriggeredRuns,
  type List,
} from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { Inject, Injectable } from '@nestjs/common';
import { withoutUndefined } from '../http/request-parsing';
import { FileUrls } from './file-urls';
import { presentFileWithRuns } from './present-file';

/**
 * File records belong to the scheduler: the gateway asks for them with the
 * caller's project and signs their URLs for the origin the client called.
 */
@Injectable()
export class FilesService {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    private readonly urls: FileUrls,
  ) {}

  async list(
    projectId: string,
    query: FileListQuery,
    origin: string,
  ): Promise<List<FileWithTriggeredRuns>> {
    const list = await this.bus.request(schedulerRpc.listFiles, {
      project_id: projectId,
      query: withoutUndefined(query),
    });
    const urlOf = this.urls.forOrigin(origin);
    return { ...list, data: list.data.map((file) => presentFileWithRuns(file, urlOf)) };
  }

  async get(projectId: string, id: string, origin: string): Promise<FileWithTriggeredRuns> {
    const file = await this.bus.request(schedulerRpc.getFile, { project_id: projectId, id });
    return presentFileWithRuns(file, this.urls.forOrigin(origin));
  }

  /** The scheduler deletes the record and the bytes. */
  delete(projectId: string, id: string) {
    return this.bus.request(schedulerRpc.deleteFile, { project_id: projectId, id });
  }
}
