// `@mediaflow/contracts/browser`: every schema, type and pure function of
// the contracts, with nothing that needs Node.js, for code that also runs in
// browsers (packages/sdk, a dashboard). index.ts is this plus the two
// modules that use node:crypto (new-id.ts, project-event-ids.ts). A new
// module goes here unless it needs Node; browser.spec.ts holds the line.
export * from './automation';
export * from './errors';
export * from './event-log';
export * from './files';
export * from './file-properties';
export * from './ids';
export * from './kinds';
export * from './pagination';
export * from './project-events';
export * from './projects';
export * from './rpc';
export * from './task-messages';
export * from './tasks';
export * from './text';
export * from './webhook-endpoints';
export * from './workflow';
export * from './task-files';
