export * from './database-url';
export * from './ensure-database';
export * from './service-data-source';
export * from './unix-time';
export * from './test-database';
export { startEmbeddedPostgres, DataDirInUseError, type EmbeddedDatabase, type EmbeddedPostgresOptions } from './embedded-postgres';
export { locateEmbeddedPostgres, type EmbeddedPostgresBinaries } from './embedded-postgres-binaries';
