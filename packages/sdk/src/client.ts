import type { UploadTransport } from './files/upload-body';
import { HttpClient, type ClientOptions, type HttpInternals } from './http/http-client';
import { ApiKeys } from './resources/api-keys';
import { Automations } from './resources/automations';
import { Events } from './resources/events';
import type { Files } from './resources/files';
import { Projects } from './resources/projects';
import { Tasks } from './resources/tasks';
import { WebhookSecrets } from './resources/webhook-secret';
import { Webhooks } from './resources/webhooks';
import type { RequestOptions } from './types';

/** What makes a platform's `files`: the Node entry's reads paths, the browser's reports XHR progress. */
export type FilesFactory<F extends Files> = (
  http: HttpClient,
  tasks: Tasks,
  transport: UploadTransport,
) => F;

/**
 * The client, whichever the platform: every route of the API as a method,
 * grouped as the API groups them. Each entry of the package makes it with
 * its own `files` and is what it exports as `Mediaflow`.
 */
export class MediaflowClient<F extends Files = Files> {
  readonly automations: Automations;
  readonly tasks: Tasks;
  readonly files: F;
  readonly apiKeys: ApiKeys;
  readonly projects: Projects;
  readonly webhookSecret: WebhookSecrets;
  readonly webhooks: Webhooks;
  readonly events: Events;
  /** @internal */
  protected readonly http: HttpClient;

  /** @internal */
  constructor(
    options: ClientOptions,
    platform: { transport: UploadTransport; files: FilesFactory<F> },
    internals?: HttpInternals,
  ) {
    this.http = new HttpClient(options, internals);
    this.automations = new Automations(this.http);
    this.tasks = new Tasks(this.http);
    this.files = platform.files(this.http, this.tasks, platform.transport);
    this.apiKeys = new ApiKeys(this.http);
    this.projects = new Projects(this.http);
    this.webhookSecret = new WebhookSecrets(this.http);
    this.webhooks = new Webhooks(this.http);
    this.events = new Events(this.http);
  }

  /** The gateway's base URL, as the client uses it. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** `GET /health`: the gateway is up (no key needed). */
  async health(options?: RequestOptions): Promise<{ status: string; [field: string]: unknown }> {
    return (
      await this.http.request<{ status: string }>({
        method: 'GET',
        path: '/health',
        auth: false,
        options,
      })
    ).data;
  }
}
