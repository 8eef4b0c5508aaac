// overlays/s3: files in an S3 bucket instead of the base's shared volume.
// Rendered with support/kustomize.mjs, held to the rules of every rendering,
// and each storing app's environment is parsed with that app's own config
// schema, as the pod would parse it at start.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { built } from './support/built.mjs';
import { renderKustomization } from './support/kustomize.mjs';
import { describeManifestRules } from './support/manifest-rules.mjs';

const K8S = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../k8s');
const OVERLAY = path.join(K8S, 'overlays/s3');
const kustomization = parse(readFileSync(path.join(OVERLAY, 'kustomization.yaml'), 'utf8'));
const base = renderKustomization(path.join(K8S, 'base'));
const manifests = renderKustomization(OVERLAY);

const { storageSettings } = built('packages/config');
/** Each storing app's own config schema. */
const SCHEMAS = {
  gateway: () => built('apps/gateway', 'dist/config.js').gatewayConfigSchema,
  scheduler: () => built('apps/scheduler', 'dist/config.js').schedulerConfigSchema,
  'worker-video': () => built('apps/worker-video').videoWorkerConfigSchema,
  'worker-image': () => built('apps/worker-image').imageWorkerConfigSchema,
  'worker-subtitles': () => built('apps/worker-subtitles').subtitlesWorkerConfigSchema,
  'worker-summary': () => built('apps/worker-summary').summaryWorkerConfigSchema,
};

const STORAGE = {
  MEDIAFLOW_STORAGE: 's3',
  MEDIAFLOW_S3_BUCKET: 'mediaflow-files',
  MEDIAFLOW_S3_REGION: 'us-east-1',
};
const KEYS = ['MEDIAFLOW_S3_ACCESS_KEY_ID', 'MEDIAFLOW_S3_SECRET_ACCESS_KEY'];
/** Provided by the cluster's overlay (overlays/example generates it); it holds no storage setting. */
const CLUSTER_SECRET = 'mediaflow-secrets';

const key = (o) => `${o.kind}/${o.metadata.name}`;
const podOf = (deployment) => deployment.spec.template.spec;
const deploymentsOf = (objects) => objects.filter((o) => o.kind === 'Deployment');
/** The apps that store files: those the base gives the shared claim. */
const storing = deploymentsOf(base)
  .filter((d) => podOf(d).volumes.some((v) => v.persistentVolumeClaim))
  .map((d) => d.metadata.name);
const secrets = manifests.filter((o) => o.kind === 'Secret');
const [s3Secret] = secrets;

/**
 * The environment a container starts with: its envFrom sources in order
 * (a later one wins), then its env. Sources not in the rendering (or
 * left out with `absent`) are returned by name instead.
 */
function containerEnv(container, absent = []) {
  const env = {};
  const missing = [];
  for (const source of container.envFrom ?? []) {
    const [kind, ref] = source.configMapRef
      ? ['ConfigMap', source.configMapRef]
      : ['Secret', source.secretRef];
    const object = manifests.find((o) => o.kind === kind && o.metadata.name === ref.name);
    if (!object || absent.includes(ref.name)) {
      missing.push({ kind, ...ref });
      continue;
    }
    for (const [name, value] of Object.entries(object.data ?? {})) {
      env[name] = kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
    }
  }
  for (const { name, value } of container.env ?? []) env[name] = value;
  return { env, missing };
}

describe('infra/k8s/overlays/s3', () => {
  it('lists every patch file in its kustomization', () => {
    const files = readdirSync(OVERLAY).filter(
      (f) => f.endsWith('.yaml') && f !== 'kustomization.yaml',
    );
    assert.deepEqual(kustomization.patches.map((p) => p.path).sort(), files.sort());
  });

  describeManifestRules(manifests);

  it('stores files for the apps the base gave the shared volume', () => {
    assert.deepEqual(storing.sort(), Object.keys(SCHEMAS).sort());
  });

  it('drops the shared volume: no claim, no files volume, nothing at /data, no MEDIAFLOW_DATA_DIR', () => {
    assert.deepEqual(
      manifests.filter((o) => o.kind === 'PersistentVolumeClaim'),
      [],
    );
    for (const deployment of deploymentsOf(manifests)) {
      const pod = podOf(deployment);
      const where = deployment.metadata.name;
      assert.deepEqual(
        pod.volumes.filter((v) => v.name === 'files' || v.persistentVolumeClaim),
        [],
        where,
      );
      for (const container of pod.containers) {
        assert.deepEqual(
          (container.volumeMounts ?? []).filter(
            (m) => m.name === 'files' || m.mountPath === '/data',
          ),
          [],
          where,
        );
        // It would name a directory on the read-only root filesystem.
        assert.equal(
          container.env?.find((e) => e.name === 'MEDIAFLOW_DATA_DIR'),
          undefined,
          where,
        );
      }
    }
  });

  it('merges the storage settings into the base ConfigMap, under its own name', () => {
    const config = manifests.find((o) => key(o) === 'ConfigMap/mediaflow-config');
    const baseConfig = base.find((o) => key(o) === 'ConfigMap/mediaflow-config');
    assert.deepEqual(config.data, { ...baseConfig.data, ...STORAGE });
  });

  it('generates the bucket keys, and only them, as a secret named for its content', () => {
    assert.equal(secrets.length, 1);
    assert.match(s3Secret.metadata.name, /^mediaflow-s3-[a-z0-9]{10}$/);
    assert.deepEqual(Object.keys(s3Secret.data).sort(), KEYS);
  });

  it('changes nothing else in the base', () => {
    // The base as the overlay should leave it, edited here by hand.
    const expected = base
      .filter((o) => o.kind !== 'PersistentVolumeClaim')
      .map((object) => {
        if (key(object) === 'ConfigMap/mediaflow-config')
          return { ...object, data: { ...object.data, ...STORAGE } };
        if (object.kind !== 'Deployment' || !storing.includes(object.metadata.name)) return object;
        const out = structuredClone(object);
        const pod = podOf(out);
        pod.volumes = pod.volumes.filter((v) => v.name !== 'files');
        for (const container of pod.containers) {
          container.volumeMounts = container.volumeMounts.filter((m) => m.mountPath !== '/data');
          container.env = container.env.filter((e) => e.name !== 'MEDIAFLOW_DATA_DIR');
          if (object.metadata.name === 'gateway')
            container.env.push({ name: 'MEDIAFLOW_S3_REDIRECT_DOWNLOADS', value: 'false' });
          container.envFrom = [
            ...container.envFrom,
            { secretRef: { name: s3Secret.metadata.name, optional: true } },
          ];
        }
        return out;
      });
    const byKey = (objects) => Object.fromEntries(objects.map((o) => [key(o), o]));
    assert.deepEqual(byKey(manifests.filter((o) => o !== s3Secret)), byKey(expected));
  });

  for (const name of Object.keys(SCHEMAS)) {
    const [container] = podOf(manifests.find((o) => key(o) === `Deployment/${name}`)).containers;

    describe(name, () => {
      it('sees MEDIAFLOW_STORAGE=s3 from the ConfigMap and the bucket keys from the optional secret', () => {
        const { env, missing } = containerEnv(container);
        assert.equal(env.MEDIAFLOW_STORAGE, 's3');
        for (const variable of KEYS) assert.ok(env[variable], variable);
        const source = container.envFrom.find((s) => s.secretRef?.name === s3Secret.metadata.name);
        assert.equal(
          source?.secretRef.optional,
          true,
          'without optional, IRSA pods could not start',
        );
        // Only the cluster's own secret is left to its overlay, and only the gateway and scheduler read it.
        const expected = container.envFrom.some((s) => s.secretRef?.name === CLUSTER_SECRET)
          ? [CLUSTER_SECRET]
          : [];
        assert.deepEqual(
          missing.map((m) => m.name),
          expected,
        );
      });

      it('starts on S3 storage with those keys, under its own config schema', () => {
        const config = SCHEMAS[name]().parse(containerEnv(container).env);
        assert.deepEqual(storageSettings(config), {
          driver: 's3',
          s3: {
            bucket: 'mediaflow-files',
            region: 'us-east-1',
            forcePathStyle: false,
            credentials: { accessKeyId: 'change-me', secretAccessKey: 'change-me' },
          },
        });
        if (name === 'gateway') assert.equal(config.MEDIAFLOW_S3_REDIRECT_DOWNLOADS, false);
      });

      it('starts on S3 storage with the AWS SDK default chain when the secret is absent (IRSA)', () => {
        const { env, missing } = containerEnv(container, [s3Secret.metadata.name]);
        assert.ok(missing.some((m) => m.name === s3Secret.metadata.name && m.optional));
        const settings = storageSettings(SCHEMAS[name]().parse(env));
        assert.equal(settings.driver, 's3');
        assert.equal(settings.s3.credentials, undefined);
      });
    });
  }

  it('keeps the bucket keys from the apps that store no files', () => {
    for (const deployment of deploymentsOf(manifests).filter(
      (d) => !storing.includes(d.metadata.name),
    )) {
      for (const container of podOf(deployment).containers) {
        assert.ok(
          !(container.envFrom ?? []).some((s) => s.secretRef?.name === s3Secret.metadata.name),
          deployment.metadata.name,
        );
      }
    }
  });
});
