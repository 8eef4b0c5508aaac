export * from './automation-input';
export * from './json-path';
export * from './validate-workflow';
export * from './zod-issues';
export * from './run';
