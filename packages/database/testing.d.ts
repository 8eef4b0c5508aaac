export * from './dist/testing/test-database';
