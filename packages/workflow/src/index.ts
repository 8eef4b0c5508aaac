export * from './automation-input';
export * from './json-path';
export * from './match-triggers';
export * from './validate-trigger';
export * from './validate-workflow';
export * from './zod-issues';
export * from './run';
