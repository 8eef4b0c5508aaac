// The mediaflow chart rendered by the real helm with several sets of values,
// each held to the rules of every rendering (support/manifest-rules.mjs), and
// what each value promises.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { built, REPO } from './support/built.mjs';
import {
  CHART,
  configMapOf,
  NATS_VALUES,
  REQUIRED,
  renderChart,
  RELEASE,
  NAMESPACE,
} from './support/chart.mjs';
import { helmBinary, helmRefusal } from './support/helm.mjs';
import { containerEnv, CONFIG_SCHEMAS, describeManifestRules } from './support/manifest-rules.mjs';

const defaults = renderChart();
const deploymentOf = (manifests, name) =>
  manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === name);
const containerOf = (manifests, name) =>
  deploymentOf(manifests, name).spec.template.spec.containers[0];
const annotationsOf = (manifests, name) =>
  deploymentOf(manifests, name).spec.template.metadata.annotations;

describe('helm lint', () => {
  it('passes on the chart with its required values', () => {
    execFileSync(
      helmBinary(),
      [
        'lint',
        CHART,
        '--strict',
        ...Object.entries(REQUIRED).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
      ],
      { stdio: 'pipe' },
    );
  });
});

describe('the chart with its defaults', () => {
  describeManifestRules(defaults);

  it('keeps as many copies of the streams as the NATS cluster has nodes', () => {
    const nats = parse(readFileSync(NATS_VALUES, 'utf8'));
    assert.equal(
      Number(configMapOf(defaults).data.MEDIAFLOW_STREAM_REPLICAS),
      nats.config.cluster.replicas,
    );
  });

  it('gives the gateway time to leave the Service before it stops, and to finish uploads', () => {
    const pod = deploymentOf(defaults, 'gateway').spec.template.spec;
    const [sleep, seconds] = pod.containers[0].lifecycle.preStop.exec.command;
    assert.equal(sleep, 'sleep');
    assert.ok(Number(seconds) >= 5);
    assert.ok(pod.terminationGracePeriodSeconds >= Number(seconds) + 60);
  });

  it('makes every app connect to NATS as its role, and refuse to start without a password', () => {
    const roles = { gateway: 'gateway', 'automation-registry': 'registry', scheduler: 'scheduler' };
    for (const deployment of defaults.filter((m) => m.kind === 'Deployment')) {
      const name = deployment.metadata.name;
      const env = containerEnv(defaults, deployment.spec.template.spec.containers[0]);
      assert.equal(env.NATS_AUTH_REQUIRED, 'true');
      assert.equal(env.NATS_USER, roles[name] ?? 'worker', name);
      const password = deployment.spec.template.spec.containers[0].env.find(
        (e) => e.name === 'NATS_PASSWORD',
      );
      assert.deepEqual(password.valueFrom.secretKeyRef, {
        name: 'mediaflow-nats-users',
        key: env.NATS_USER,
      });
    }
  });

  it('reads DATABASE_URL from CloudNativePG’s secret, through the pooler', () => {
    for (const name of ['gateway', 'automation-registry', 'scheduler']) {
      const env = containerOf(defaults, name).env;
      const refs = env.filter((e) => e.valueFrom).map((e) => e.valueFrom.secretKeyRef);
      assert.ok(refs.some((r) => r.name === 'mediaflow-pg-app' && r.key === 'password'));
      assert.match(
        env.find((e) => e.name === 'DATABASE_URL').value,
        /^postgres:\/\/\$\(DATABASE_USER\):\$\(DATABASE_PASSWORD\)@mediaflow-pg-pooler-rw:5432\/\$\(DATABASE_NAME\)$/,
      );
    }
  });

  describe('the migrations Job', () => {
    const job = defaults.find((m) => m.kind === 'Job');
    const containers = [
      ...job.spec.template.spec.initContainers,
      ...job.spec.template.spec.containers,
    ];

    it('runs before an install or upgrade, and again only when asked', () => {
      assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
      assert.match(job.metadata.annotations['helm.sh/hook-delete-policy'], /before-hook-creation/);
      assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    });

    it("runs each schema-owning service's own migrate.js, straight to the database", () => {
      for (const name of ['gateway', 'automation-registry', 'scheduler']) {
        const container = containers.find((c) => c.name === `migrate-${name}`);
        assert.ok(container, `no migrations for ${name}`);
        assert.equal(container.image, containerOf(defaults, name).image);
        assert.deepEqual(container.command, ['node', 'dist/migrate.js']);
        assert.ok(
          existsSync(path.join(REPO, 'apps', name, 'dist', 'migrate.js')),
          `${name} has no migrate.js`,
        );
        assert.deepEqual(
          container.env.find((e) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef,
          {
            name: 'mediaflow-pg-app',
            key: 'uri',
          },
        );
      }
    });

    it('leaves the services only checking that no migration is pending', () => {
      for (const name of ['gateway', 'automation-registry', 'scheduler']) {
        const env = containerEnv(defaults, containerOf(defaults, name));
        assert.equal(CONFIG_SCHEMAS[name]().parse(env).MEDIAFLOW_MIGRATE_ON_START, false);
      }
    });
  });

  it("lets only KEDA reach NATS's unauthenticated monitoring port, and only Mediaflow its clients' port", () => {
    const policy = defaults.find(
      (m) => m.kind === 'NetworkPolicy' && m.metadata.namespace === 'nats',
    );
    assert.deepEqual(policy.spec.podSelector.matchLabels, { 'app.kubernetes.io/name': 'nats' });
    const fromPort = (port) =>
      policy.spec.ingress.filter((rule) => rule.ports.some((p) => p.port === port));
    const [monitoring] = fromPort(8222);
    assert.equal(fromPort(8222).length, 1);
    assert.deepEqual(monitoring.from, [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } } },
    ]);
    const [clients] = fromPort(4222);
    assert.deepEqual(clients.from[0], {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NAMESPACE } },
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'mediaflow' } },
    });
  });

  it('keeps ended runs 30 days, and gives the retention settings to the scheduler alone', () => {
    assert.equal(
      containerEnv(defaults, containerOf(defaults, 'scheduler')).MEDIAFLOW_RETENTION_DAYS,
      '30',
    );
    const set = renderChart({ 'retention.days': 7, 'retention.dryRun': true });
    const env = containerEnv(set, containerOf(set, 'scheduler'));
    assert.equal(env.MEDIAFLOW_RETENTION_DAYS, '7');
    assert.equal(env.MEDIAFLOW_RETENTION_DRY_RUN, 'true');
    assert.equal(
      containerEnv(set, containerOf(set, 'gateway')).MEDIAFLOW_RETENTION_DAYS,
      undefined,
    );
  });

  it('renders the Ingress and the ServiceMonitor only when asked', () => {
    assert.equal(
      defaults.some((m) => m.kind === 'Ingress' || m.kind === 'ServiceMonitor'),
      false,
    );
  });
});

describe('the chart with S3 storage and keys in a Secret', () => {
  const set = {
    'storage.type': 's3',
    'storage.s3.bucket': 'mediaflow-files',
    'storage.s3.existingSecret': 'mediaflow-s3',
    'storage.s3.redirectDownloads': true,
  };
  const manifests = renderChart(set);
  // The Secret the cluster provides, for the environment the pods would get.
  const provided = [
    ...manifests,
    {
      kind: 'Secret',
      metadata: { name: 'mediaflow-s3' },
      stringData: { MEDIAFLOW_S3_ACCESS_KEY_ID: 'AKIA', MEDIAFLOW_S3_SECRET_ACCESS_KEY: 'secret' },
    },
  ];

  describeManifestRules(manifests);

  it('claims no volume and mounts nothing at /data', () => {
    assert.equal(
      manifests.some((m) => m.kind === 'PersistentVolumeClaim'),
      false,
    );
    for (const deployment of manifests.filter((m) => m.kind === 'Deployment')) {
      const [container] = deployment.spec.template.spec.containers;
      assert.equal(
        container.volumeMounts.some((m) => m.mountPath === '/data'),
        false,
      );
    }
  });

  it('stores in the bucket, with its keys, in every app that stores files', () => {
    const { storageSettings } = built('packages/config');
    for (const name of [
      'gateway',
      'scheduler',
      'worker-video',
      'worker-image',
      'worker-subtitles',
      'worker-summary',
    ]) {
      const config = CONFIG_SCHEMAS[name]().parse(
        containerEnv(provided, containerOf(manifests, name)),
      );
      assert.deepEqual(
        storageSettings(config),
        {
          driver: 's3',
          s3: {
            bucket: 'mediaflow-files',
            region: 'us-east-1',
            forcePathStyle: false,
            credentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret' },
          },
        },
        name,
      );
    }
    assert.equal(
      containerEnv(provided, containerOf(manifests, 'gateway')).MEDIAFLOW_S3_REDIRECT_DOWNLOADS,
      'true',
    );
  });

  it('takes the SDK’s default chain (IRSA) when no Secret is named', () => {
    const irsa = renderChart({ ...set, 'storage.s3.existingSecret': '' });
    const { storageSettings } = built('packages/config');
    const config = CONFIG_SCHEMAS['worker-video']().parse(
      containerEnv(irsa, containerOf(irsa, 'worker-video')),
    );
    assert.equal(storageSettings(config).s3.credentials, undefined);
  });
});

describe('the chart with everything optional turned on, and off', () => {
  const manifests = renderChart({
    'ingress.enabled': true,
    'ingress.tlsSecret': 'mediaflow-tls',
    'serviceMonitor.enabled': true,
    'nats.auth.enabled': false,
    'nats.tls.enabled': true,
    'nats.tls.caSecret': 'nats-ca',
    'networkPolicies.enabled': false,
    'migrations.enabled': false,
    'database.poolerHost': '',
    'secrets.existingSecret': 'my-secrets',
    'providers.summaryApiKey': 'sk-test',
    'image.digests': { gateway: `sha256:${'a'.repeat(64)}` },
  });

  describeManifestRules(manifests);

  it('sends large uploads through the Ingress to the gateway', () => {
    const ingress = manifests.find((m) => m.kind === 'Ingress');
    assert.equal(ingress.spec.rules[0].http.paths[0].backend.service.name, 'gateway');
    assert.equal(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size'], '5g');
  });

  it('uses the Secret it is given and makes none of its own', () => {
    assert.equal(
      manifests.some((m) => m.kind === 'Secret' && m.metadata.name === `${RELEASE}-secrets`),
      false,
    );
    assert.ok(
      containerOf(manifests, 'gateway').envFrom.some((s) => s.secretRef?.name === 'my-secrets'),
    );
  });

  it("gives the providers' keys to the workers that call providers, and only to them", () => {
    const readers = manifests
      .filter((m) => m.kind === 'Deployment')
      .filter((d) =>
        d.spec.template.spec.containers[0].envFrom.some(
          (s) => s.secretRef?.name === `${RELEASE}-providers`,
        ),
      )
      .map((d) => d.metadata.name);
    assert.deepEqual(readers.sort(), ['worker-subtitles', 'worker-summary']);
  });

  it('pins an image by its digest', () => {
    assert.equal(
      containerOf(manifests, 'gateway').image,
      `registry.example.com/mediaflow/gateway@sha256:${'a'.repeat(64)}`,
    );
    assert.equal(
      containerOf(manifests, 'scheduler').image,
      'registry.example.com/mediaflow/scheduler:0.1.0',
    );
  });

  it('trusts the NATS CA it is given, and migrates at start without the Job', () => {
    const env = containerEnv(manifests, containerOf(manifests, 'scheduler'));
    assert.equal(env.NODE_EXTRA_CA_CERTS, '/etc/mediaflow/nats-ca/ca.crt');
    assert.equal(env.MEDIAFLOW_MIGRATE_ON_START, 'true');
    assert.equal(env.NATS_USER, undefined);
    assert.equal(
      manifests.some((m) => m.kind === 'Job' || m.kind === 'NetworkPolicy'),
      false,
    );
  });
});

describe('values the chart refuses', () => {
  it('rolls the pods when a setting changes', () => {
    const changed = renderChart({ 'config.LOG_LEVEL': 'debug' });
    assert.notEqual(
      annotationsOf(changed, 'worker-image')['checksum/config'],
      annotationsOf(defaults, 'worker-image')['checksum/config'],
    );
    assert.equal(
      annotationsOf(changed, 'worker-image')['checksum/secrets'],
      annotationsOf(defaults, 'worker-image')['checksum/secrets'],
    );
  });

  for (const [what, set, message] of [
    ['no admin key', { 'secrets.apiKey': '' }, /secrets.apiKey/],
    [
      'services that could open more connections than the database takes',
      { 'services.gateway.autoscaling.maxReplicas': 50 },
      /database connections/,
    ],
    [
      'a concurrency missing for a kind',
      { 'workers.video.concurrency.video': null },
      /workers.video.concurrency.video/,
    ],
    [
      'a worker that does not exist',
      { 'workers.audio': { concurrency: {} } },
      /'audio' not allowed/,
    ],
    ['a misspelt value', { 'workers.video.concurency': 3 }, /'concurency' not allowed/],
    ['a short signing secret', { 'secrets.signingSecret': 'short' }, /signingSecret/],
    ['an image digest that is not one', { 'image.digests': { gateway: 'latest' } }, /digests/],
    ['S3 without a bucket', { 'storage.type': 's3' }, /storage.s3.bucket/],
    ['a negative retention', { 'retention.days': -1 }, /retention\/days/],
  ]) {
    it(`refuses ${what}`, () => {
      const refusal = helmRefusal(RELEASE, CHART, {
        namespace: NAMESPACE,
        set: { ...REQUIRED, ...set },
      });
      assert.match(refusal ?? 'rendered', message);
    });
  }
});
