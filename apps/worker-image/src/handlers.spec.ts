import { parseConfig } from '@mediaflow/config';
import { kindsOfWorker } from '@mediaflow/worker-kit';
import { imageWorkerConfigSchema } from './config';
import { imageHandlers } from './handlers';

// Routing reads the kinds' declarations: a new kind is one declaration in contracts and one handler here.
it('runs exactly the kinds contracts declare for the image worker', () => {
  const handlers = imageHandlers(parseConfig(imageWorkerConfigSchema, {}));
  expect(Object.keys(handlers).sort()).toEqual(kindsOfWorker('image').sort());
});
