// The rules every rendering of infra/k8s keeps, the base's and each
// overlay's: objects valid against the Kubernetes schemas offline
// (kubernetes-models), and the rules every app's Deployment keeps. KEDA
// ScaledObjects have no model: they are checked against the Deployments and
// against the JetStream names and worker kinds of the built packages.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { built, REPO } from './built.mjs';

const MODELS = {
  Deployment,
  Service,
  ConfigMap,
  Secret,
  PersistentVolumeClaim,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
};

/**
 * Apps that are not Kubernetes services: all-in-one runs every app's modules
 * in one process on one machine; in a cluster each app is its own Deployment.
 */
const NOT_DEPLOYED = new Set(['all-in-one']);

const { taskTransportNames } = built('packages/messaging');
const { TASK_KIND_NAMES } = built('packages/contracts');
// Without NATS_SUBJECT_PREFIX, as in the ConfigMap.
const names = taskTransportNames();

/** The kinds each worker registers a handler for, from its own handler factory. */
const WORKER_KINDS = {
  'worker-video': () => {
    const app = built('apps/worker-video');
    return Object.keys(
      app.videoHandlers(app.videoWorkerConfigSchema.parse({ NATS_URL: 'nats://nats:4222' })),
    );
  },
  'worker-image': () => {
    const app = built('apps/worker-image');
    return Object.keys(
      app.imageHandlers(app.imageWorkerConfigSchema.parse({ NATS_URL: 'nats://nats:4222' })),
    );
  },
  'worker-subtitles': () => {
    const app = built('apps/worker-subtitles');
    return Object.keys(
      app.subtitlesHandlers(
        app.subtitlesWorkerConfigSchema.parse({ NATS_URL: 'nats://nats:4222' }),
      ),
    );
  },
  'worker-summary': () => {
    const app = built('apps/worker-summary');
    return Object.keys(
      app.summaryHandlers(app.summaryWorkerConfigSchema.parse({ NATS_URL: 'nats://nats:4222' })),
    );
  },
};

/** Each worker's config schema: what its pod's environment parses to. */
const WORKER_CONFIG = {
  'worker-video': () => built('apps/worker-video').videoWorkerConfigSchema,
  'worker-image': () => built('apps/worker-image').imageWorkerConfigSchema,
  'worker-subtitles': () => built('apps/worker-subtitles').subtitlesWorkerConfigSchema,
  'worker-summary': () => built('apps/worker-summary').summaryWorkerConfigSchema,
};

/** Seconds a worker keeps after its last task's timeout, to publish the outcome and exit. */
const DRAIN_MARGIN_S = 30;

/** Registers the rules' tests for one rendering (the objects `kustomize build` prints). */
export function describeManifestRules(manifests) {
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const scaledObjects = manifests.filter((m) => m.kind === 'ScaledObject');
  const [config] = manifests.filter(
    (m) => m.kind === 'ConfigMap' && m.metadata.name === 'mediaflow-config',
  );

  for (const manifest of manifests.filter((m) => m.kind !== 'ScaledObject')) {
    it(`${manifest.kind}/${manifest.metadata.name} is a valid object`, () => {
      const Model = MODELS[manifest.kind];
      assert.ok(Model, `no model for ${manifest.kind}`);
      new Model(manifest).validate();
    });
  }

  it('deploys every app, and only apps that exist', () => {
    const apps = readdirSync(path.join(REPO, 'apps')).filter((app) => !NOT_DEPLOYED.has(app));
    assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), [...apps].sort());
  });

  it('keeps the JetStream prefix unset, as the ScaledObjects assume', () => {
    assert.equal(config.data.NATS_SUBJECT_PREFIX, undefined);
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
        const pdb = manifests.find(
          (m) => m.kind === 'PodDisruptionBudget' && m.metadata.name === name,
        );
        assert.deepEqual(pdb?.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
      });

      it('mounts every volume it uses, /tmp an emptyDir', () => {
        const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
        for (const mount of container.volumeMounts) assert.ok(volumes.has(mount.name), mount.name);
        const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
        assert.ok(volumes.get(tmp?.name)?.emptyDir, 'no emptyDir at /tmp');
      });

      const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
      if (env.MEDIAFLOW_DATA_DIR) {
        it('keeps MEDIAFLOW_DATA_DIR on the shared files volume', () => {
          const mount = container.volumeMounts.find((m) => m.mountPath === env.MEDIAFLOW_DATA_DIR);
          const volume = pod.volumes.find((v) => v.name === mount?.name);
          const claim = manifests.find(
            (m) =>
              m.kind === 'PersistentVolumeClaim' &&
              m.metadata.name === volume?.persistentVolumeClaim?.claimName,
          );
          assert.ok(claim, `no PersistentVolumeClaim at ${env.MEDIAFLOW_DATA_DIR}`);
          assert.ok(
            claim.spec.accessModes.includes('ReadWriteMany'),
            'the volume is shared by several pods',
          );
        });
      }
    });
  }

  for (const name of Object.keys(WORKER_KINDS)) {
    const deployment = deployments.find((d) => d.metadata.name === name);
    const pod = deployment?.spec.template.spec;

    describe(`${name} as a worker`, () => {
      it('has a bounded /tmp as TMPDIR and time to finish a task on SIGTERM', () => {
        const [container] = pod.containers;
        const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
        assert.ok(
          pod.volumes.find((v) => v.name === tmp.name).emptyDir.sizeLimit,
          'no sizeLimit on /tmp',
        );
        assert.ok(container.env.some((e) => e.name === 'TMPDIR' && e.value === '/tmp'));
      });

      it('never has a task cut off by its grace period: the grace outlasts the task timeout', () => {
        const [container] = pod.containers;
        const env = {
          ...config?.data,
          ...Object.fromEntries(container.env.map((e) => [e.name, e.value])),
        };
        const { MEDIAFLOW_TASK_TIMEOUT_MS } = WORKER_CONFIG[name]().parse(env);
        assert.ok(
          pod.terminationGracePeriodSeconds >= MEDIAFLOW_TASK_TIMEOUT_MS / 1000 + DRAIN_MARGIN_S,
          `grace ${pod.terminationGracePeriodSeconds} s, task timeout ${MEDIAFLOW_TASK_TIMEOUT_MS / 1000} s`,
        );
      });

      it('leaves its replica count to its ScaledObject', () => {
        assert.equal(deployment.spec.replicas, undefined);
        assert.ok(scaledObjects.some((s) => s.spec.scaleTargetRef.name === name));
      });
    });
  }

  for (const scaled of scaledObjects) {
    const target = scaled.spec.scaleTargetRef.name;

    describe(`ScaledObject/${scaled.metadata.name}`, () => {
      it('is a keda.sh/v1alpha1 ScaledObject on a Deployment of the rendering, with no HPA of its own', () => {
        assert.equal(scaled.apiVersion, 'keda.sh/v1alpha1');
        assert.ok(
          deployments.some((d) => d.metadata.name === target),
          `no Deployment ${target}`,
        );
        assert.equal(scaled.spec.scaleTargetRef.kind ?? 'Deployment', 'Deployment');
        const hpa = manifests.find(
          (m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === target,
        );
        assert.equal(hpa, undefined, 'KEDA makes the HPA; a second one would fight it');
      });

      it('keeps 0 ≤ minReplicaCount ≤ maxReplicaCount', () => {
        const { minReplicaCount, maxReplicaCount } = scaled.spec;
        assert.ok(Number.isInteger(minReplicaCount) && Number.isInteger(maxReplicaCount));
        assert.ok(
          minReplicaCount >= 0 && minReplicaCount <= maxReplicaCount,
          `${minReplicaCount}..${maxReplicaCount}`,
        );
      });

      it('triggers on the lag of an existing work consumer, with string metadata', () => {
        assert.ok(scaled.spec.triggers.length > 0);
        const consumers = TASK_KIND_NAMES.map((kind) => names.workConsumer(kind));
        for (const { type, metadata } of scaled.spec.triggers) {
          assert.equal(type, 'nats-jetstream');
          assert.equal(metadata.stream, names.workStream);
          assert.equal(metadata.account, '$G');
          assert.ok(consumers.includes(metadata.consumer), `no work consumer ${metadata.consumer}`);
          assert.ok(Number(metadata.lagThreshold) > 0, 'lagThreshold');
          // KEDA reads trigger metadata as a map of strings.
          for (const [key, value] of Object.entries(metadata))
            assert.equal(typeof value, 'string', key);
        }
      });

      if (WORKER_KINDS[target]) {
        // A trigger on a consumer no worker creates reads the whole stream as
        // lag (KEDA's fallback) and holds the worker at its maximum.
        it('has one trigger per kind its worker runs, and no other', () => {
          const triggered = scaled.spec.triggers.map((t) => t.metadata.consumer).sort();
          const runs = WORKER_KINDS[target]()
            .map((kind) => names.workConsumer(kind))
            .sort();
          assert.deepEqual(triggered, runs);
        });
      }
    });
  }

  it('scales each worker kind in one place only', () => {
    const consumers = scaledObjects.flatMap((s) => s.spec.triggers.map((t) => t.metadata.consumer));
    assert.equal(new Set(consumers).size, consumers.length);
  });

  it('knows the kinds of every worker Deployment', () => {
    for (const deployment of deployments.filter((d) => d.metadata.name.startsWith('worker-'))) {
      assert.ok(
        WORKER_KINDS[deployment.metadata.name],
        `add ${deployment.metadata.name} to WORKER_KINDS`,
      );
    }
  });

  it('autoscales the gateway on CPU', () => {
    const hpa = manifests.find((m) => m.kind === 'HorizontalPodAutoscaler');
    assert.deepEqual(hpa?.spec.scaleTargetRef, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'gateway',
    });
  });

  it('leaves the replica count of every autoscaled Deployment to its autoscaler', () => {
    const scaled = manifests
      .filter((m) => m.kind === 'HorizontalPodAutoscaler' || m.kind === 'ScaledObject')
      .map((m) => m.spec.scaleTargetRef.name);
    for (const name of scaled) {
      const deployment = deployments.find((d) => d.metadata.name === name);
      assert.equal(deployment.spec.replicas, undefined, `${name} sets replicas`);
    }
  });
}
