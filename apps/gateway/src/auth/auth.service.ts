import { MediaflowError } from '@mediaflow/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { credentialKey, type Credential } from './credential';
import { hashKeySecret } from './key-secrets';
import type { Principal } from './principal';

/** `last_used_at` is a hint for humans; writing it on every request would make reads into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

@Injectable()
export class AuthService {
  constructor(@InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>) {}

  /**
   * The caller behind a secret. Looked up in the database on every request,
   * never cached, so a revoked key fails on the very next request.
   */
  async authenticate(secret: string): Promise<Principal> {
    const key = await this.keys.findOneBy({
      secretHash: hashKeySecret(secret),
      revokedAt: IsNull(),
    });
    if (!key) throw new MediaflowError('unauthorized', 'Invalid API key');
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await this.touch(key.id);
    }
    return { keyId: key.id, projectId: key.projectId, admin: key.admin };
  }

  /**
   * Those of `credentials` still valid, as their {@link credentialKey}s: the
   * key exists (a project's deletion takes its keys) and is not revoked. One
   * query however many there are.
   */
  async stillValid(credentials: readonly Credential[]): Promise<Set<string>> {
    if (credentials.length === 0) return new Set();
    const rows = await this.keys
      .createQueryBuilder('api_key')
      .select('api_key.id', 'id')
      .where('api_key.id = ANY(:ids)', { ids: credentials.map((credential) => credential.id) })
      .andWhere('api_key.revokedAt IS NULL')
      .getRawMany<{ id: string }>();
    return new Set(rows.map(({ id }) => credentialKey({ kind: 'api_key', id })));
  }

  /** At most once a minute per key, even when requests race: the condition is in the UPDATE. */
  private async touch(keyId: string): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :keyId', { keyId })
      .andWhere(
        `(last_used_at IS NULL OR last_used_at <= now() - interval '${LAST_USED_RESOLUTION_MS} milliseconds')`,
      )
      .execute();
  }
}
