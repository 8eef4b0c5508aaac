import { join } from 'node:path';
import { LocalStorage } from './local-storage';
import type { S3StorageOptions } from './s3-storage';
import type { Storage } from './storage';

/**
 * Which driver holds files' bytes: a plain description, so this package
 * needs no configuration package (`storageSettings()` in @mediaflow/config
 * reads it from MEDIAFLOW_STORAGE and MEDIAFLOW_S3_*).
 */
export type StorageSettings = { driver: 'local' } | { driver: 's3'; s3: S3StorageOptions };

/**
 * The storage every service shares: the local directory `<dataDir>/files`
 * (docs/runs.md, Storage), or an S3 bucket.
 */
export function createStorage(settings: StorageSettings, dataDir: string): Storage {
  switch (settings.driver) {
    case 'local':
      return new LocalStorage(join(dataDir, 'files'));
    case 's3': {
      // Loaded here, not with the package: the AWS SDK costs about 100 ms and
      // 19 MB to load, which services on local storage need not pay.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { S3Storage } = require('./s3-storage') as typeof import('./s3-storage');
      return new S3Storage(settings.s3);
    }
  }
}
