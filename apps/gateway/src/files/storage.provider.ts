import { storageSettings } from '@mediaflow/config';
import { createStorage, type Storage } from '@mediaflow/storage';
import type { Provider } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Injection token of the {@link Storage} files' bytes are read from. */
export const STORAGE = Symbol('STORAGE');

/**
 * The storage MEDIAFLOW_STORAGE names, the one the workers write: by default
 * the local directory `<MEDIAFLOW_DATA_DIR>/files` (docs/runs.md, Storage).
 */
export const storageProvider: Provider = {
  provide: STORAGE,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: GatewayConfig): Storage =>
    createStorage(storageSettings(config), config.MEDIAFLOW_DATA_DIR),
};
