export * from './dist/s3-storage';
