export * from './migrations-command';
export * from './service-bus';
export * from './service-database';
export * from './service-readiness';
export * from './service-transport';
export * from './start-service';
