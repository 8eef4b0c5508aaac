export * from './progress-throttle';
export * from './start-worker';
export * from './task-failure';
export * from './task-handler';
export * from './task-metrics';
export * from './task-runner';
export * from './worker-config';
