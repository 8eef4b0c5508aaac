export * from './fixtures';
export * from './fixture-server';
export * from './free-port';
export * from './task-harness';
