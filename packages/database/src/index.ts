export * from './database-url';
export * from './ensure-database';
export * from './service-data-source';
export * from './unix-time';
export {
  startEmbeddedPostgres,
  type EmbeddedDatabase,
  type EmbeddedPostgresOptions,
} from './embedded-postgres';
export { claimOwnerFile, DataDirInUseError, releaseOwnerFile } from './owner-file';
export {
  locateEmbeddedPostgres,
  type EmbeddedPostgresBinaries,
} from './embedded-postgres-binaries';
