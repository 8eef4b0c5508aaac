export * from './storage';
export * from './key-validation';
export * from './local-storage';
export * from './signed-url';
export * from './storage-keys';
export * from './http-range';
export * from './content-disposition';
