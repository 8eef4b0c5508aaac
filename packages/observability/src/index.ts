export * from './health.controller';
export * from './logger';
export * from './metrics';
export * from './process-name';
export * from './observability.module';
export * from './readiness';
export * from './public-route';
export * from './fastify-instrumentation';
