import { MediaflowError } from '@mediaflow/contracts';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
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
