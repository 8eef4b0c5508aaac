import {
  MediaflowError,
  newId,
  toList,
  type ApiKey,
  type List,
  type NewApiKey,
  type PageQuery,
} from '@mediaflow/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type EntityManager, type Repository } from 'typeorm';
import { ApiKeyEntity } from '../auth/api-key.entity';
import { CredentialWatch } from '../auth/credential-watch';
import { hashKeySecret, keySecretHint, newKeySecret } from '../auth/key-secrets';
import type { KeyReservation } from '../idempotency/idempotency-store';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { toApiKey, toNewApiKey } from './api-key-view';

export interface IssueKeyOptions {
  name?: string | null;
  admin?: boolean;
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    private readonly credentials: CredentialWatch,
    private readonly idempotency: IdempotencyService,
  ) {}

  /** The project's active keys, newest first. */
  async list(projectId: string, page: PageQuery): Promise<List<ApiKey>> {
    const [rows, total] = await this.keys.findAndCount({
      where: { projectId, revokedAt: IsNull() },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: (page.page - 1) * page.limit,
      take: page.limit,
    });
    return toList(rows.map(toApiKey), page, total);
  }

  /**
   * A new key of the project. With an `Idempotency-Key`, its answer (the
   * secret included: only its hash is kept with the key) is recorded in the
   * transaction that makes it, so that a retry gets the same key and secret.
   */
  async create(
    projectId: string,
    name: string | undefined,
    reservation?: KeyReservation,
  ): Promise<NewApiKey> {
    if (!reservation) return this.issue(this.keys.manager, projectId, { name });
    return this.keys.manager.transaction((manager) =>
      this.idempotency.createOnce(manager, reservation, () =>
        this.issue(manager, projectId, { name }),
      ),
    );
  }

  /** Makes a key inside the caller's transaction (a new project and its first key commit together). */
  async issue(
    manager: EntityManager,
    projectId: string,
    options: IssueKeyOptions = {},
  ): Promise<NewApiKey> {
    const secret = newKeySecret();
    const key = manager.create(ApiKeyEntity, {
      id: newId('key'),
      projectId,
      name: options.name ?? null,
      secretHash: hashKeySecret(secret),
      secretHint: keySecretHint(secret),
      admin: options.admin ?? false,
      createdAt: new Date(),
      lastUsedAt: null,
      revokedAt: null,
    });
    await manager.insert(ApiKeyEntity, key);
    return toNewApiKey(key, secret);
  }

  /**
   * Revokes a key of the project. Another project's key, an unknown id and an
   * already revoked key are all "not found": a key sees only its project.
   * The key's open event streams here end at once; other replicas' within
   * CREDENTIAL_CHECK_MS, when they next check theirs.
   */
  async revoke(
    projectId: string,
    id: string,
  ): Promise<{ id: string; object: 'api_key'; deleted: true }> {
    const result = await this.keys
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND project_id = :projectId AND revoked_at IS NULL', { id, projectId })
      .execute();
    if (!result.affected) throw new MediaflowError('not_found', `No API key ${id} in this project`);
    this.credentials.revoked({ kind: 'api_key', id });
    return { id, object: 'api_key', deleted: true };
  }

  /**
   * Makes `secret` an active admin key of the project: created, or restored
   * if it was revoked (or moved) since. One statement, so gateways starting
   * together cannot both insert it.
   */
  async ensureAdminKey(projectId: string, secret: string): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .insert()
      .into(ApiKeyEntity)
      .values({
        id: newId('key'),
        projectId,
        name: 'MEDIAFLOW_API_KEY',
        secretHash: hashKeySecret(secret),
        secretHint: keySecretHint(secret),
        admin: true,
        createdAt: new Date(),
        lastUsedAt: null,
        revokedAt: null,
      })
      .orUpdate(['project_id', 'admin', 'revoked_at'], ['secret_hash'])
      .execute();
  }
}
