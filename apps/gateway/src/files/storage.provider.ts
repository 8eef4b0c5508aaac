import { join } from 'node:path';
import { LocalStorage, type Storage } from '@mediaflow/storage';
import type { Provider } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Injection token of the {@link Storage} files' bytes are read from. */
export const STORAGE = Symbol('STORAGE');

/** The local driver, at `<MEDIAFLOW_DATA_DIR>/files` as the workers write it (docs/runs.md, Storage). */
export const storageProvider: Provider = {
  provide: STORAGE,
  inject: [GATEWAY_CONFIG],
  useFactory: (config: Pick<GatewayConfig, 'MEDIAFLOW_DATA_DIR'>): Storage =>
    new LocalStorage(join(config.MEDIAFLOW_DATA_DIR, 'files')),
};
