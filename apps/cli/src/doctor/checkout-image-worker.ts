import type { ImageWorker, ImageWorkerModule } from '@mediaflow/doctor';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The image worker of the Mediaflow checkout this CLI is part of
 * (`apps/worker-image` beside `apps/cli`), for the doctor's rows of sharp and
 * the NSFW model: those are the worker's dependencies, resolved as it
 * resolves them. Found by path at run time, as tests/e2e and bench find the
 * apps' builds: apps never import each other (docs/architecture.md), and
 * only the all-in-one may hand the worker over as a module. Where there is no
 * such checkout, the probe says so in its row.
 */
export function checkoutImageWorker(cliRoot = path.resolve(__dirname, '..', '..')): ImageWorker {
  const manifest = path.join(cliRoot, '..', 'worker-image', 'package.json');
  const resolver = (): NodeJS.Require => {
    if (!existsSync(manifest)) throw new Error(`no ${path.dirname(manifest)} beside this CLI`);
    return createRequire(manifest);
  };
  return {
    resolver,
    load: async () => resolver()(path.dirname(manifest)) as ImageWorkerModule,
  };
}
