import type { HttpClient } from '../http/http-client';
import type {
  CreateProjectBody,
  CreatedProjectWithWebhookSecret,
  IdempotentOptions,
  ProjectWithLimits,
  RequestOptions,
  UpdateProjectBody,
} from '../types';
import { path } from './path';

/** `/projects`: tenants, each with its own keys and objects (creating one takes an admin key). */
export class Projects {
  constructor(private readonly http: HttpClient) {}

  /** A project and its first key; both secrets (key, webhook) are in this answer. */
  async create(
    body: CreateProjectBody,
    options?: IdempotentOptions,
  ): Promise<CreatedProjectWithWebhookSecret> {
    const { idempotencyKey, ...rest } = options ?? {};
    return (
      await this.http.request<CreatedProjectWithWebhookSecret>({
        method: 'POST',
        path: '/projects',
        json: body,
        idempotencyKey,
        options: rest,
      })
    ).data;
  }

  /** A project with its limits (`null`: the gateway's default). */
  async get(id: string, options?: RequestOptions): Promise<ProjectWithLimits> {
    return (
      await this.http.request<ProjectWithLimits>({
        method: 'GET',
        path: path`/projects/${id}`,
        options,
      })
    ).data;
  }

  /** Changes a project's limits (admin keys only). */
  async update(
    id: string,
    patch: UpdateProjectBody,
    options?: RequestOptions,
  ): Promise<ProjectWithLimits> {
    return (
      await this.http.request<ProjectWithLimits>({
        method: 'PATCH',
        path: path`/projects/${id}`,
        json: patch,
        options,
      })
    ).data;
  }
}
