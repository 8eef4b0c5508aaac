// Everything: the browser-safe contracts (browser.ts) and what needs Node's crypto.
export * from './browser';
export * from './new-id';
export * from './project-event-ids';
