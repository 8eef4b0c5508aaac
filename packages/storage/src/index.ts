export * from './storage';
export * from './key-validation';
export * from './leftovers';
export * from './local-storage';
export * from './signed-url';
export * from './storage-keys';
export * from './http-range';
export * from './content-disposition';
// S3Storage itself is `@mediaflow/storage/s3`: importing it loads the AWS SDK.
export type { S3StorageOptions } from './s3-storage';
export * from './create-storage';
