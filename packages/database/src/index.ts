export * from './database-url';
export * from './ensure-database';
export * from './service-data-source';
export * from './unix-time';
export * from './test-database';
