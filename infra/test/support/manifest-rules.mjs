// The rules every rendering of the mediaflow chart keeps, whatever its values:
// objects valid against the Kubernetes, KEDA and prometheus-operator schemas
// offline (kubernetes-models), and the rules every app's Deployment, the
// workers' ScaledObjects and the NetworkPolicies keep, checked against the
// JetStream names, worker kinds and config schemas of the built packages.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { NAMESPACE } from './chart.mjs';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import {
  ConfigMap,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { built, REPO } from './built.mjs';
import { configMapOf } from './chart.mjs';

const MODELS = {
  Deployment,
  Service,
  ServiceAccount,
  ConfigMap,
  Secret,
  PersistentVolumeClaim,
  PodDisruptionBudget,
  HorizontalPodAutoscaler,
  Job,
  Ingress,
  NetworkPolicy,
  ScaledObject,
  ServiceMonitor,
};

/**
 * Apps that are not services: all-in-one runs every app's modules in one
 * process on one machine (in a cluster each app is its own Deployment), and
 * cli is the `mediaflow` command people run against a deployment.
 */
export const NOT_DEPLOYED = new Set(['all-in-one', 'cli']);
/** The apps that own a PostgreSQL schema; no other app may reach the database. */
const DATABASE_APPS = ['gateway', 'automation-registry', 'scheduler'];

const { taskTransportNames } = built('packages/messaging');
const { TASK_KIND_NAMES } = built('packages/contracts');
const { kindConcurrencyVariable } = built('packages/worker-kit');
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

/** Each app's config schema: what its pod's environment parses to. */
export const CONFIG_SCHEMAS = {
  gateway: () => built('apps/gateway', 'dist/config.js').gatewayConfigSchema,
  'automation-registry': () =>
    built('apps/automation-registry', 'dist/config.js').registryConfigSchema,
  scheduler: () => built('apps/scheduler', 'dist/config.js').schedulerConfigSchema,
  'worker-video': () => built('apps/worker-video').videoWorkerConfigSchema,
  'worker-image': () => built('apps/worker-image').imageWorkerConfigSchema,
  'worker-subtitles': () => built('apps/worker-subtitles').subtitlesWorkerConfigSchema,
  'worker-summary': () => built('apps/worker-summary').summaryWorkerConfigSchema,
};

/** Seconds a worker keeps after its last task's timeout, to publish the outcome and exit. */
const DRAIN_MARGIN_S = 30;
/** What a value read from a Secret stands for here: the Secret itself is not in the rendering. */
export const FROM_SECRET = 'value-from-a-secret';
/** Secret values with a shape their schema checks. */
const SHAPED_SECRETS = { DATABASE_URL: 'postgres://mediaflow:password@postgres:5432/mediaflow' };

/**
 * The environment a container starts with, as far as the rendering says:
 * its envFrom ConfigMaps and rendered Secrets in order (a later one wins),
 * then its env, with values a Secret supplies as {@link FROM_SECRET} (or a value of
 * the right shape) and
 * `$(VAR)` references expanded.
 */
export function containerEnv(manifests, container) {
  const env = {};
  for (const source of container.envFrom ?? []) {
    const [kind, ref] = source.configMapRef
      ? ['ConfigMap', source.configMapRef]
      : ['Secret', source.secretRef];
    const object = manifests.find((o) => o.kind === kind && o.metadata.name === ref.name);
    Object.assign(env, object?.data, object?.stringData);
  }
  for (const { name, value, valueFrom } of container.env ?? []) {
    env[name] = valueFrom
      ? (SHAPED_SECRETS[name] ?? FROM_SECRET)
      : value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, ref) => env[ref] ?? `$(${ref})`);
  }
  return env;
}

/** The pods a NetworkPolicy's podSelector picks out of `deployments` (and the migrations Job). */
function selectedPods(policy, pods) {
  const { matchLabels = {}, matchExpressions = [] } = policy.spec.podSelector;
  return pods.filter(
    ({ labels }) =>
      Object.entries(matchLabels).every(([k, v]) => labels[k] === v) &&
      matchExpressions.every((e) => {
        assert.equal(e.operator, 'In', 'only In expressions are modelled here');
        return e.values.includes(labels[e.key]);
      }),
  );
}

/** Registers the rules' tests for one rendering of the chart. */
export function describeManifestRules(manifests) {
  const deployments = manifests.filter((m) => m.kind === 'Deployment');
  const scaledObjects = manifests.filter((m) => m.kind === 'ScaledObject');
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
  const config = configMapOf(manifests);
  const pods = [
    ...deployments.map((d) => ({ name: d.metadata.name, template: d.spec.template })),
    ...manifests
      .filter((m) => m.kind === 'Job')
      .map((j) => ({ name: j.metadata.name, template: j.spec.template })),
  ].map((p) => ({ ...p, labels: p.template.metadata.labels }));

  for (const manifest of manifests) {
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

  it('keeps the JetStream prefix unset, as the ScaledObjects and NATS permissions assume', () => {
    assert.equal(config.data.NATS_SUBJECT_PREFIX, undefined);
  });

  it('keeps secrets out of the ConfigMap', () => {
    for (const key of Object.keys(config.data)) {
      assert.doesNotMatch(key, /KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL/, key);
    }
  });

  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    const template = deployment.spec.template;
    const pod = template.spec;
    const [container] = pod.containers;
    const env = containerEnv(manifests, container);

    describe(name, () => {
      it('probes /health and /ready', () => {
        assert.equal(container.livenessProbe.httpGet.path, '/health');
        assert.equal(container.readinessProbe.httpGet.path, '/ready');
        assert.equal(container.startupProbe.httpGet.path, '/health');
      });

      it('runs as non-root on a read-only root filesystem, with requests and a memory limit', () => {
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault');
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(container.securityContext.capabilities.drop, ['ALL']);
        assert.ok(container.resources.requests.cpu && container.resources.requests.memory);
        assert.ok(container.resources.limits.memory);
      });

      it('mounts no service account token, under the chart’s ServiceAccount', () => {
        assert.equal(pod.automountServiceAccountToken, false);
        assert.ok(
          manifests.some(
            (m) => m.kind === 'ServiceAccount' && m.metadata.name === pod.serviceAccountName,
          ),
          `no ServiceAccount ${pod.serviceAccountName}`,
        );
      });

      it('rolls when its settings or secrets change (checksum annotations)', () => {
        assert.match(template.metadata.annotations['checksum/config'], /^[0-9a-f]{64}$/);
        assert.match(template.metadata.annotations['checksum/secrets'], /^[0-9a-f]{64}$/);
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

      it('starts: its environment parses with its own config schema', () => {
        const parsed = CONFIG_SCHEMAS[name]().safeParse(env);
        assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
      });

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
    const [container] = pod.containers;
    const env = containerEnv(manifests, container);

    describe(`${name} as a worker`, () => {
      it('has a bounded /tmp as TMPDIR', () => {
        const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
        assert.ok(
          pod.volumes.find((v) => v.name === tmp.name).emptyDir.sizeLimit,
          'no sizeLimit on /tmp',
        );
        assert.equal(env.TMPDIR, '/tmp');
      });

      it('never has a task cut off by its grace period: the grace outlasts the task timeout', () => {
        const { MEDIAFLOW_TASK_TIMEOUT_MS } = CONFIG_SCHEMAS[name]().parse(env);
        assert.ok(
          pod.terminationGracePeriodSeconds >= MEDIAFLOW_TASK_TIMEOUT_MS / 1000 + DRAIN_MARGIN_S,
          `grace ${pod.terminationGracePeriodSeconds} s, task timeout ${MEDIAFLOW_TASK_TIMEOUT_MS / 1000} s`,
        );
      });

      it('has no database URL', () => {
        assert.equal(env.DATABASE_URL, undefined);
      });

      it('leaves its replica count to its ScaledObject', () => {
        assert.equal(deployment.spec.replicas, undefined);
        assert.ok(scaledObjects.some((s) => s.spec.scaleTargetRef.name === name));
      });
    });
  }

  for (const scaled of scaledObjects) {
    const target = scaled.spec.scaleTargetRef.name;
    const deployment = deployments.find((d) => d.metadata.name === target);
    // On the lag of JetStream work consumers, and on what the scheduler holds back (metrics-api).
    const triggers = scaled.spec.triggers.filter((t) => t.type !== 'metrics-api');
    const heldTriggers = scaled.spec.triggers.filter((t) => t.type === 'metrics-api');

    describe(`ScaledObject/${scaled.metadata.name}`, () => {
      it('scales a Deployment of the rendering that has no HPA of its own', () => {
        assert.ok(deployment, `no Deployment ${target}`);
        assert.equal(scaled.spec.scaleTargetRef.kind ?? 'Deployment', 'Deployment');
        const hpa = manifests.find(
          (m) => m.kind === 'HorizontalPodAutoscaler' && m.spec.scaleTargetRef.name === target,
        );
        assert.equal(hpa, undefined, 'KEDA makes the HPA; a second one would fight it');
      });

      it('keeps 0 ≤ minReplicaCount ≤ fallback replicas ≤ maxReplicaCount', () => {
        const { minReplicaCount, maxReplicaCount, fallback } = scaled.spec;
        assert.ok(minReplicaCount >= 0 && minReplicaCount <= maxReplicaCount);
        assert.ok(fallback, 'no fallback: a NATS outage would leave the count to chance');
        assert.ok(fallback.replicas >= minReplicaCount && fallback.replicas <= maxReplicaCount);
      });

      it('triggers on the lag of existing work consumers, named, with string metadata', () => {
        assert.ok(triggers.length > 0);
        const consumers = TASK_KIND_NAMES.map((kind) => names.workConsumer(kind));
        for (const { type, name, metadata } of triggers) {
          assert.equal(type, 'nats-jetstream');
          assert.equal(metadata.stream, names.workStream);
          assert.equal(metadata.account, '$G');
          assert.ok(consumers.includes(metadata.consumer), `no work consumer ${metadata.consumer}`);
          assert.equal(metadata.consumer, names.workConsumer(name));
          // KEDA reads trigger metadata as a map of strings.
          for (const [key, value] of Object.entries(metadata))
            assert.equal(typeof value, 'string', key);
        }
      });

      it("sets each kind's lag threshold to the worker's concurrency for that kind", () => {
        const env = containerEnv(manifests, deployment.spec.template.spec.containers[0]);
        for (const { name, metadata } of triggers) {
          const concurrency = env[kindConcurrencyVariable(name)];
          assert.ok(Number(concurrency) > 0, `no concurrency set for ${name}`);
          assert.equal(metadata.lagThreshold, concurrency, name);
        }
      });

      it("reads each kind's held-back work from the scheduler's /scaling, over the same threshold", () => {
        const scheduler = manifests.find(
          (m) => m.kind === 'Service' && m.metadata.name === 'scheduler',
        );
        assert.ok(scheduler, 'no scheduler Service to read /scaling from');
        const port = scheduler.spec.ports.find((p) => p.name === 'http').port;
        const namespace = scheduler.metadata.namespace ?? NAMESPACE;
        // helm template leaves the release namespace off the objects; the chart's rendering names it.
        assert.deepEqual(
          heldTriggers.map((t) => t.name).sort(),
          triggers.map((t) => `held_${t.name}`).sort(),
        );
        for (const { name, metadata } of heldTriggers) {
          const kind = name.slice('held_'.length);
          assert.ok(TASK_KIND_NAMES.includes(kind), name);
          assert.equal(metadata.url, `http://scheduler.${namespace}.svc:${port}/scaling`);
          assert.equal(metadata.valueLocation, `held.${kind}`);
          assert.equal(
            metadata.targetValue,
            triggers.find((t) => t.name === kind).metadata.lagThreshold,
          );
          for (const [key, value] of Object.entries(metadata))
            assert.equal(typeof value, 'string', key);
        }
      });

      it('adds its kinds up (scalingModifiers), queued and held, each over its lag threshold', () => {
        const modifiers = scaled.spec.advanced?.scalingModifiers;
        assert.ok(modifiers, 'several triggers and no formula: the HPA would take the highest');
        const terms = modifiers.formula.split(/ \+ (?![^(]*\))/).sort();
        assert.deepEqual(
          terms,
          triggers.map((t) => `(${t.name} + held_${t.name}) / ${t.metadata.lagThreshold}`).sort(),
        );
        assert.equal(modifiers.target, '1');
        assert.equal(modifiers.metricType, 'AverageValue');
      });

      if (WORKER_KINDS[target]) {
        // A trigger on a consumer no worker creates reads the whole stream as
        // lag (KEDA's fallback) and holds the worker at its maximum.
        it('has one trigger per kind its worker runs, and no other', () => {
          const triggered = triggers.map((t) => t.metadata.consumer).sort();
          const runs = WORKER_KINDS[target]()
            .map((kind) => names.workConsumer(kind))
            .sort();
          assert.deepEqual(triggered, runs);
        });
      }
    });
  }

  it('scales each worker kind in one place only', () => {
    const consumers = scaledObjects.flatMap((s) =>
      s.spec.triggers.filter((t) => t.type === 'nats-jetstream').map((t) => t.metadata.consumer),
    );
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

  if (policies.length > 0) {
    describe('NetworkPolicies', () => {
      const own = policies.filter((p) => !p.metadata.namespace);
      const podsOf = (policy) => selectedPods(policy, pods).map((p) => p.name);

      it('deny everything to every Mediaflow pod by default', () => {
        const deny = own.find(
          (p) => !p.spec.ingress && !p.spec.egress && p.spec.policyTypes.length === 2,
        );
        assert.ok(deny, 'no default-deny policy');
        assert.deepEqual(podsOf(deny).sort(), pods.map((p) => p.name).sort());
      });

      it('let in from outside only to the gateway (Prometheus to the metrics port, KEDA to /scaling)', () => {
        for (const policy of own.filter((p) => p.spec.ingress)) {
          const selected = podsOf(policy);
          const httpOnly = policy.spec.ingress.every((rule) =>
            rule.ports.every((port) => port.port === 3000),
          );
          if (selected.length === 1 && selected[0] === 'scheduler') {
            assert.ok(
              httpOnly,
              `${policy.metadata.name} opens more than the scheduler's HTTP port`,
            );
            const from = policy.spec.ingress.flatMap((rule) => rule.from);
            for (const peer of from)
              assert.equal(
                peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
                'keda',
              );
          } else if (selected.length === 1) assert.deepEqual(selected, ['gateway']);
          else assert.ok(httpOnly, `${policy.metadata.name} opens more than /metrics`);
        }
      });

      it('let only the apps that own a schema (and the migrations) reach PostgreSQL', () => {
        const reaching = own
          .filter((p) =>
            p.spec.egress?.some((rule) => rule.ports?.some((port) => port.port === 5432)),
          )
          .flatMap(podsOf);
        const allowed = new Set([
          ...DATABASE_APPS,
          ...pods.filter((p) => p.template.spec.restartPolicy === 'Never').map((p) => p.name),
        ]);
        for (const name of reaching) assert.ok(allowed.has(name), `${name} reaches PostgreSQL`);
        for (const name of DATABASE_APPS) assert.ok(reaching.includes(name), `${name} cannot`);
      });

      it('let every pod reach NATS’s client port', () => {
        const reaching = own
          .filter((p) =>
            p.spec.egress?.some((rule) => rule.ports?.some((port) => port.port === 4222)),
          )
          .flatMap(podsOf);
        for (const pod of pods) assert.ok(reaching.includes(pod.name), pod.name);
      });
    });
  }
}
