export * from './message-bus';
export * from './messaging-server';
export * from './nats-message-bus';
export * from './rpc-codec';
