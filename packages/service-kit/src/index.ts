export * from './service-bus';
export * from './service-database';
export * from './service-readiness';
export * from './start-service';
