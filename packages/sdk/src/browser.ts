// The browser entry (`browser` condition, or `@mediaflow/sdk/browser`): no
// Node.js built-ins. Uploads take bytes, Blobs and streams (not paths);
// their progress comes from XMLHttpRequest. There is no `downloadTo`:
// `files.download` gives the stream.
import { MediaflowClient } from './client';
import { xhrFetch } from './browser/xhr-fetch';
import type { ClientOptions } from './http/http-client';
import { Files } from './resources/files';

export * from './common';

const transport = { streaming: false, progressFetch: xhrFetch };

/**
 * The client, in a browser: every route of the API as a method. Without a
 * `baseUrl` it talks to the page's own origin (a dashboard served beside the API).
 */
export class Mediaflow extends MediaflowClient<Files> {
  constructor(options: ClientOptions = {}) {
    super(options, { transport, files: (http, tasks, t) => new Files(http, tasks, t) });
  }
}
