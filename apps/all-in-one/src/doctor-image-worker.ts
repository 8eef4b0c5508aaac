import type { ImageWorker } from '@mediaflow/doctor';
import { createRequire } from 'node:module';

const fromHere = createRequire(__filename);

/**
 * The image worker, for the doctor's probes of sharp and the NSFW model: a
 * package may not import an app, so the all-in-one, which holds them all,
 * hands it over. Both lazy: the probe catches what fails to resolve or load.
 */
export const doctorImageWorker: ImageWorker = {
  resolver: () => createRequire(fromHere.resolve('@mediaflow/worker-image/package.json')),
  load: async () => fromHere('@mediaflow/worker-image') as typeof import('@mediaflow/worker-image'),
};
