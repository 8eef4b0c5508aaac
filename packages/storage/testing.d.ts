export * from './dist/testing/local-s3';
