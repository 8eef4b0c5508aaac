// The project's own charts (infra/helm) rendered by the real helm, with the
// values a test gives on top of their defaults.
import path from 'node:path';
import { REPO } from './built.mjs';
import { helmTemplate, VENDOR } from './helm.mjs';

export const CHART = path.join(REPO, 'infra', 'helm', 'mediaflow');
export const POSTGRES_CHART = path.join(REPO, 'infra', 'helm', 'mediaflow-postgres');
export const NATS_VALUES = path.join(REPO, 'infra', 'values', 'nats.yaml');
export const NAMESPACE = 'mediaflow';
export const RELEASE = 'mediaflow';

/** The values every rendering needs (the chart refuses to render without secrets). */
export const REQUIRED = {
  'secrets.apiKey': 'mf_test-admin-key',
  'secrets.signingSecret': 'a-signing-secret-of-at-least-32-characters',
};

/** The mediaflow chart's objects, with `set` (path → value) over its defaults. */
export function renderChart(set = {}) {
  return helmTemplate(RELEASE, CHART, { namespace: NAMESPACE, set: { ...REQUIRED, ...set } });
}

/** The mediaflow-postgres chart's objects. */
export function renderPostgresChart(set = {}) {
  return helmTemplate('mediaflow-postgres', POSTGRES_CHART, { namespace: NAMESPACE, set });
}

/** The official NATS chart (vendored) with values/nats.yaml, as the guide installs it. */
export function renderNatsChart() {
  return helmTemplate('nats', path.join(VENDOR, 'nats-chart'), {
    namespace: 'nats',
    values: [NATS_VALUES],
  });
}

/** The mediaflow chart's ConfigMap of shared settings. */
export function configMapOf(manifests) {
  return manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === `${RELEASE}-config`);
}
