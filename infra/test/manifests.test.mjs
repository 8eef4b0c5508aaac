// Validates the Kustomize base offline against the Kubernetes schemas
// (kubernetes-models), and checks the rules every app's Deployment keeps.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE = path.resolve(here, '../k8s/base');
const MODELS = { Deployment, Service, ConfigMap, PodDisruptionBudget, HorizontalPodAutoscaler };

const load = (file) => parseAllDocuments(readFileSync(path.join(BASE, file), 'utf8')).map((doc) => doc.toJS());
const [kustomization] = load('kustomization.yaml');
const manifests = kustomization.resources.flatMap(load);
const deployments = manifests.filter((m) => m.kind === 'Deployment');

describe('infra/k8s/base', () => {
  it('lists every manifest file in its kustomization', () => {
    const files = readdirSync(BASE).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
  });

  for (const manifest of manifests) {
    it(`${manifest.kind}/${manifest.metadata.name} is a valid object`, () => {
      const Model = MODELS[manifest.kind];
      assert.ok(Model, `no model for ${manifest.kind}`);
      new Model(manifest).validate();
    });
  }

  it('deploys only apps that exist', () => {
    const apps = readdirSync(path.resolve(here, '../../apps'));
    for (const deployment of deployments) assert.ok(apps.includes(deployment.metadata.name), deployment.metadata.name);
  });

  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;

    describe(name, () => {
      it('probes /health and /ready', () => {
        assert.equal(container.livenessProbe.httpGet.path, '/health');
        assert.equal(container.readinessProbe.httpGet.path, '/ready');
      });

      it('runs as non-root on a read-only root filesystem, with resource requests', () => {
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
      });

      it('has a PodDisruptionBudget over its pods', () => {
        const pdb = manifests.find((m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === name);
        assert.deepEqual(pdb?.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
      });
    });
  }

  it('autoscales the gateway on CPU', () => {
    const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler');
    assert.deepEqual(hpa?.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
  });
});
