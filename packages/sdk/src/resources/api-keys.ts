import type { HttpClient } from '../http/http-client';
import { ITERATE_PAGE_LIMIT, paginate } from '../pagination';
import type {
  ApiKey,
  CreateApiKeyBody,
  DeletedApiKey,
  IdempotentOptions,
  List,
  NewApiKey,
  PageParams,
  RequestOptions,
} from '../types';
import { path } from './path';

/** `/api-keys`: the keys of the caller's project. */
export class ApiKeys {
  constructor(private readonly http: HttpClient) {}

  /** One page of the project's active keys, newest first: never their secrets (`secret_hint`). */
  async list(query: PageParams = {}, options?: RequestOptions): Promise<List<ApiKey>> {
    return (
      await this.http.request<List<ApiKey>>({ method: 'GET', path: '/api-keys', query, options })
    ).data;
  }

  iterate(query: PageParams = {}, options?: RequestOptions): AsyncGenerator<ApiKey> {
    return paginate((page) => this.list({ limit: ITERATE_PAGE_LIMIT, ...query, page }, options));
  }

  /** A new key: its `secret` is in this answer only. */
  async create(body: CreateApiKeyBody = {}, options?: IdempotentOptions): Promise<NewApiKey> {
    const { idempotencyKey, ...rest } = options ?? {};
    return (
      await this.http.request<NewApiKey>({
        method: 'POST',
        path: '/api-keys',
        json: body,
        idempotencyKey,
        options: rest,
      })
    ).data;
  }

  /** Revokes a key: it stops working at once. */
  async revoke(id: string, options?: RequestOptions): Promise<DeletedApiKey> {
    return (
      await this.http.request<DeletedApiKey>({
        method: 'DELETE',
        path: path`/api-keys/${id}`,
        options,
      })
    ).data;
  }
}
