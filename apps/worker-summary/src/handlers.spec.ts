import { parseConfig } from '@mediaflow/config';
import { kindsOfWorker } from '@mediaflow/worker-kit';
import { summaryWorkerConfigSchema } from './config';
import { summaryHandlers } from './handlers';

// Routing reads the kinds' declarations: a new kind is one declaration in contracts and one handler here.
it('runs exactly the kinds contracts declare for the summary worker', () => {
  const handlers = summaryHandlers(parseConfig(summaryWorkerConfigSchema, {}));
  expect(Object.keys(handlers).sort()).toEqual(kindsOfWorker('summary').sort());
});
