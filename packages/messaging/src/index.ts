export * from './in-process-broker';
export { InProcessMessageBus, type InProcessMessageBusOptions } from './in-process-message-bus';
export {
  InProcessTaskTransport,
  type InProcessTaskTransportOptions,
} from './in-process-task-transport';
export * from './jetstream-task-transport';
export * from './message-bus';
export * from './messaging-server';
export * from './nats-message-bus';
export * from './rpc-codec';
export * from './task-message-codec';
export * from './task-stream-config';
export * from './task-transport';
export * from './task-transport-limits';
export * from './task-transport-names';
