import type { HttpClient } from '../http/http-client';
import { ITERATE_PAGE_LIMIT, paginate } from '../pagination';
import type {
  Automation,
  AutomationListQuery,
  CreateAutomationBody,
  DeletedAutomation,
  IdempotentOptions,
  List,
  RequestOptions,
  StartOptions,
  TaskObject,
  TaskSource,
  UpdateAutomationBody,
} from '../types';
import { path } from './path';

/** Options of {@link Automations.run}. */
export interface RunOptions extends StartOptions {
  /** Gets a POST with the run once it ends, signed with the project's webhook secret. */
  webhookUrl?: string;
}

/** `/automations`: saved workflows, and runs of them. */
export class Automations {
  constructor(private readonly http: HttpClient) {}

  /** One page, newest first, as the API answers it (`page`, `limit`, `status`, `name`). */
  async list(query: AutomationListQuery = {}, options?: RequestOptions): Promise<List<Automation>> {
    return (
      await this.http.request<List<Automation>>({
        method: 'GET',
        path: '/automations',
        query,
        options,
      })
    ).data;
  }

  /** Every automation the query matches, page after page. */
  iterate(query: AutomationListQuery = {}, options?: RequestOptions): AsyncGenerator<Automation> {
    return paginate((page) => this.list({ limit: ITERATE_PAGE_LIMIT, ...query, page }, options));
  }

  async get(id: string, options?: RequestOptions): Promise<Automation> {
    return (
      await this.http.request<Automation>({
        method: 'GET',
        path: path`/automations/${id}`,
        options,
      })
    ).data;
  }

  async create(body: CreateAutomationBody, options?: IdempotentOptions): Promise<Automation> {
    const { idempotencyKey, ...rest } = options ?? {};
    return (
      await this.http.request<Automation>({
        method: 'POST',
        path: '/automations',
        json: body,
        idempotencyKey,
        options: rest,
      })
    ).data;
  }

  async update(
    id: string,
    patch: UpdateAutomationBody,
    options?: RequestOptions,
  ): Promise<Automation> {
    return (
      await this.http.request<Automation>({
        method: 'PATCH',
        path: path`/automations/${id}`,
        json: patch,
        options,
      })
    ).data;
  }

  async delete(id: string, options?: RequestOptions): Promise<DeletedAutomation> {
    return (
      await this.http.request<DeletedAutomation>({
        method: 'DELETE',
        path: path`/automations/${id}`,
        options,
      })
    ).data;
  }

  /**
   * Runs the automation on a URL or a stored file: the run is a `workflow`
   * task. With `wait`, the answer waits up to that many seconds for it to
   * end; {@link Tasks.wait} follows it for as long as it takes.
   */
  async run(id: string, source: TaskSource, options: RunOptions = {}): Promise<TaskObject> {
    const { webhookUrl, wait, idempotencyKey, ...rest } = options;
    return (
      await this.http.request<TaskObject>({
        method: 'POST',
        path: path`/automations/${id}/run`,
        json: { ...source, ...(webhookUrl === undefined ? {} : { webhook_url: webhookUrl }) },
        idempotencyKey,
        waitSeconds: wait,
        options: rest,
      })
    ).data;
  }
}
