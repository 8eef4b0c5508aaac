// The Node.js entry (`import`/`require` of `@mediaflow/sdk` outside browsers):
// the browser entry's client, plus uploads from a path and `downloadTo`.
import { MediaflowClient } from './client';
import type { ClientOptions } from './http/http-client';
import { NodeFiles } from './node/node-files';

export * from './common';
export { NodeFiles, type NodeUploadSource } from './node/node-files';

const transport = { streaming: true };

/**
 * The client, in Node.js: every route of the API as a method, grouped as
 * the API groups them; `files` also uploads from a path and downloads to one.
 *
 * ```ts
 * const mf = new Mediaflow({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.MEDIAFLOW_API_KEY });
 * const task = await mf.tasks.wait((await mf.tasks.create({ kind: 'image', url, options: { width: 320 } })).id);
 * ```
 */
export class Mediaflow extends MediaflowClient<NodeFiles> {
  constructor(options: ClientOptions = {}) {
    super(options, { transport, files: (http, tasks, t) => new NodeFiles(http, tasks, t) });
  }
}
