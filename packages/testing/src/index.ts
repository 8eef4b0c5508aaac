export * from './fixtures';
export * from './fixture-server';
export * from './free-port';
export * from './task-harness';
export * from './api-client';
export * from './app-process';
export * from './system';
export * from './task-polling';
