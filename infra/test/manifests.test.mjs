// The Kustomize base: the rules every rendering keeps (support/manifest-rules.mjs),
// and the shared ReadWriteMany volume the base stores files on.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { renderKustomization } from './support/kustomize.mjs';
import { describeManifestRules } from './support/manifest-rules.mjs';

const BASE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../k8s/base');
const kustomization = parse(readFileSync(path.join(BASE, 'kustomization.yaml'), 'utf8'));
const manifests = renderKustomization(BASE);
const deployments = manifests.filter((m) => m.kind === 'Deployment');

describe('infra/k8s/base', () => {
  it('lists every manifest file in its kustomization', () => {
    const files = readdirSync(BASE).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
  });

  describeManifestRules(manifests);

  it('keeps as many copies of the streams as the NATS cluster has nodes', () => {
    const nats = parse(readFileSync(path.resolve(BASE, '../../values/nats.yaml'), 'utf8'));
    const config = manifests.find(
      (m) => m.kind === 'ConfigMap' && m.metadata.name === 'mediaflow-config',
    );
    assert.equal(Number(config.data.MEDIAFLOW_STREAM_REPLICAS), nats.config.cluster.replicas);
  });

  for (const name of ['gateway', 'scheduler', 'worker-video', 'worker-image']) {
    it(`gives ${name} the shared files at /data`, () => {
      const [container] = deployments.find((d) => d.metadata.name === name).spec.template.spec
        .containers;
      assert.ok(container.env.some((e) => e.name === 'MEDIAFLOW_DATA_DIR' && e.value === '/data'));
    });
  }
});
