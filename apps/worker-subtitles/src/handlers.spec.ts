import { parseConfig } from '@mediaflow/config';
import { kindsOfWorker } from '@mediaflow/worker-kit';
import { subtitlesWorkerConfigSchema } from './config';
import { subtitlesHandlers } from './handlers';

// Routing reads the kinds' declarations: a new kind is one declaration in contracts and one handler here.
it('runs exactly the kinds contracts declare for the subtitles worker', () => {
  const handlers = subtitlesHandlers(parseConfig(subtitlesWorkerConfigSchema, {}));
  expect(Object.keys(handlers).sort()).toEqual(kindsOfWorker('subtitles').sort());
});
