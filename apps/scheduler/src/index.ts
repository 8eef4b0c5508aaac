export {
  connectSchedulerTransport,
  startScheduler,
  type RunningScheduler,
  type StartSchedulerOptions,
} from './bootstrap';
export { schedulerConfigSchema, type SchedulerConfig } from './config';
export {
  SchedulerModule,
  SCHEDULER_SCHEMA,
  SCHEDULER_SERVICE,
  type SchedulerModuleOptions,
} from './scheduler.module';
export { EVENTS_DURABLE } from './runs/task-events.consumer';
export { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhooks/webhook-signature';
export type { WebhookFile, WebhookTask } from './webhooks/webhook-body';
