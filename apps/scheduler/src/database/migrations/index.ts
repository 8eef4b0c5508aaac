import { CreateScheduler1796000000000 } from './1796000000000-create-scheduler';
import { IngestSources1796100000000 } from './1796100000000-ingest-sources';
import { WebhookClaims1796200000000 } from './1796200000000-webhook-claims';
import { EventLog1796400000000 } from './1796400000000-event-log';
import { IdempotentCreations1796500000000 } from './1796500000000-idempotent-creations';
import { FairDispatch1796600000000 } from './1796600000000-fair-dispatch';
import { SkipReasons1796700000000 } from './1796700000000-skip-reasons';
import { FileTriggers1796710000000 } from './1796710000000-file-triggers';
import { WebhookEndpoints1796720000000 } from './1796720000000-webhook-endpoints';
import { TaskRetries1796730000000 } from './1796730000000-task-retries';
import { Retention1796740000000 } from './1796740000000-retention';
import { EndpointIdempotency1796750000000 } from './1796750000000-endpoint-idempotency';

/** Every migration of the scheduler schema, oldest first. */
export const schedulerMigrations = [
  CreateScheduler1796000000000,
  IngestSources1796100000000,
  WebhookClaims1796200000000,
  EventLog1796400000000,
  IdempotentCreations1796500000000,
  FairDispatch1796600000000,
  SkipReasons1796700000000,
  FileTriggers1796710000000,
  WebhookEndpoints1796720000000,
  TaskRetries1796730000000,
  Retention1796740000000,
  EndpointIdempotency1796750000000,
];
