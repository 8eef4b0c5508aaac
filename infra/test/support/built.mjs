// The built dist/ of the monorepo's packages and apps (run `pnpm build`
// first): the names and schemas the services really use, so a change there
// fails here.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const require = createRequire(import.meta.url);

/** `dir`'s built module `file` (its index by default). */
export function built(dir, file = 'dist/index.js') {
  try {
    return require(path.join(REPO, dir, file));
  } catch (error) {
    throw new Error(`${dir} is not built (run pnpm build): ${error.message}`);
  }
}
