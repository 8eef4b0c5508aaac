import type { ApiKey, NewApiKey } from '@mediaflow/contracts';
import { toUnixSeconds, toUnixSecondsOrNull } from '@mediaflow/database';
import type { ApiKeyEntity } from '../auth/api-key.entity';

/** A key as the API shows it: never the secret nor its hash. */
export function toApiKey(key: ApiKeyEntity): ApiKey {
  return {
    id: key.id,
    object: 'api_key',
    name: key.name,
    project_id: key.projectId,
    admin: key.admin,
    secret_hint: key.secretHint,
    created_at: toUnixSeconds(key.createdAt),
    last_used_at: toUnixSecondsOrNull(key.lastUsedAt),
  };
}

/** A key just made, with its secret: the only time the secret is shown. */
export function toNewApiKey(key: ApiKeyEntity, secret: string): NewApiKey {
  return { ...toApiKey(key), secret };
}
