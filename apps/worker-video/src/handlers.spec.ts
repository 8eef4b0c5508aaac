import { parseConfig } from '@mediaflow/config';
import { kindsOfWorker } from '@mediaflow/worker-kit';
import { videoWorkerConfigSchema } from './config';
import { videoHandlers } from './handlers';

// Routing reads the kinds' declarations: a new kind is one declaration in contracts and one handler here.
it('runs exactly the kinds contracts declare for the video worker', () => {
  const handlers = videoHandlers(parseConfig(videoWorkerConfigSchema, {}));
  expect(Object.keys(handlers).sort()).toEqual(kindsOfWorker('video').sort());
});
