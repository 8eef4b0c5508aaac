// The mediaflow-postgres chart: its CloudNativePG objects valid against the
// operator's own CRD schemas (vendored), and connection counts that let
// every app reach its autoscaling maximum: the mediaflow chart's pods at
// their maxima × their pool ≤ what the pooler takes ≤ … ≤ max_connections.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import Ajv from 'ajv';
import { parse } from 'yaml';
import {
  CHART,
  POSTGRES_CHART,
  REQUIRED,
  renderChart,
  renderPostgresChart,
} from './support/chart.mjs';
import { helmRefusal, VENDOR } from './support/helm.mjs';

const ajv = new Ajv({ strict: false, allErrors: true });

/**
 * The schema as the API server applies it with strict field validation
 * (kubectl's default): a field the schema does not name is an error, where
 * the CRD does not say to keep unknown fields.
 */
function strict(schema) {
  if (!schema || typeof schema !== 'object') return schema;
  const copy = Array.isArray(schema) ? schema.map(strict) : {};
  if (Array.isArray(schema)) return copy;
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === 'properties'
        ? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, strict(sub)]))
        : strict(value);
  }
  if (
    schema.properties &&
    !schema.additionalProperties &&
    !schema['x-kubernetes-preserve-unknown-fields']
  )
    copy.additionalProperties = false;
  return copy;
}
/** A validator per CloudNativePG kind, from the CRDs' openAPIV3Schema. */
const validators = Object.fromEntries(
  ['clusters', 'poolers', 'scheduledbackups'].map((file) => {
    const crd = parse(readFileSync(path.join(VENDOR, 'cnpg-crds', `${file}.yaml`), 'utf8'));
    const version = crd.spec.versions.find((v) => v.name === 'v1');
    return [crd.spec.names.kind, ajv.compile(strict(version.schema.openAPIV3Schema))];
  }),
);

function validate(object) {
  if (object.kind === 'PodMonitor') return new PodMonitor(object).validate();
  const check = validators[object.kind];
  assert.ok(check, `no schema for ${object.kind}`);
  // metadata is the API server's ObjectMeta, not in the CRD's schema.
  assert.ok(check({ ...object, metadata: {} }), JSON.stringify(check.errors));
}

const values = (chart) => parse(readFileSync(path.join(chart, 'values.yaml'), 'utf8'));
const mediaflowValues = values(CHART);

describe('the mediaflow-postgres chart', () => {
  const everything = renderPostgresChart({
    'backup.enabled': true,
    'backup.destinationPath': 's3://backups/mediaflow-pg',
    'backup.s3Credentials.existingSecret': 'backup-keys',
    'podMonitor.enabled': true,
  });

  for (const object of everything) {
    it(`${object.kind}/${object.metadata.name} is valid against its CRD`, () => validate(object));
  }

  it('is checked strictly: a misspelt field fails', () => {
    const cluster = everything.find((o) => o.kind === 'Cluster');
    const misspelt = { ...cluster, spec: { ...cluster.spec, instance: 3 } };
    assert.throws(() => validate(misspelt), /additional properties/);
  });

  it('backs up to the object store with barman, on a schedule, when asked', () => {
    const cluster = everything.find((o) => o.kind === 'Cluster');
    assert.equal(
      cluster.spec.backup.barmanObjectStore.destinationPath,
      's3://backups/mediaflow-pg',
    );
    const scheduled = everything.find((o) => o.kind === 'ScheduledBackup');
    assert.equal(scheduled.spec.cluster.name, cluster.metadata.name);
    assert.equal(scheduled.spec.method, 'barmanObjectStore');
    assert.equal(
      renderPostgresChart().some((o) => o.kind === 'ScheduledBackup'),
      false,
    );
  });

  it('gives the instances resources and watches them (PodMonitor on the cluster)', () => {
    const cluster = everything.find((o) => o.kind === 'Cluster');
    assert.ok(cluster.spec.resources.requests.memory && cluster.spec.resources.limits.memory);
    const monitor = everything.find((o) => o.kind === 'PodMonitor');
    assert.deepEqual(monitor.spec.selector.matchLabels, {
      'cnpg.io/cluster': cluster.metadata.name,
    });
  });

  it('refuses backups with nowhere to go', () => {
    assert.match(
      helmRefusal('pg', POSTGRES_CHART, {
        namespace: 'mediaflow',
        set: { 'backup.enabled': true },
      }),
      /backup.destinationPath/,
    );
  });
});

describe('the database seen from both charts', () => {
  const postgres = renderPostgresChart();
  const cluster = postgres.find((o) => o.kind === 'Cluster');
  const pooler = postgres.find((o) => o.kind === 'Pooler');
  const maxConnections = Number(cluster.spec.postgresql.parameters.max_connections);
  const services = mediaflowValues.services;
  // The pods that open a pool, at their maxima: the gateway's HPA maximum, the others' replicas.
  const pods =
    services.gateway.autoscaling.maxReplicas +
    services['automation-registry'].replicas +
    services.scheduler.replicas;
  const clients = pods * mediaflowValues.database.poolSize;

  it('reads the secret CloudNativePG generates for the cluster, and the pooler’s Service', () => {
    assert.equal(mediaflowValues.database.existingSecret, `${cluster.metadata.name}-app`);
    assert.equal(mediaflowValues.database.key, 'uri');
    assert.equal(mediaflowValues.database.poolerHost, pooler.metadata.name);
    assert.equal(pooler.spec.cluster.name, cluster.metadata.name);
  });

  it('lets the apps at their maxima connect: pods × pool ≤ the pooler’s clients', () => {
    assert.ok(clients <= mediaflowValues.database.maxClientConnections, `${clients} clients`);
    assert.ok(
      mediaflowValues.database.maxClientConnections <=
        Number(pooler.spec.pgbouncer.parameters.max_client_conn),
    );
  });

  it("fits the pooler's server connections, with a reserve, in max_connections", () => {
    const server =
      pooler.spec.instances * Number(pooler.spec.pgbouncer.parameters.default_pool_size);
    const reserve = values(POSTGRES_CHART).reservedConnections;
    assert.ok(reserve >= 10, 'room for superusers, the operator and the migrations');
    assert.equal(maxConnections, server + reserve);
  });

  it('sizes max_connections for every client when there is no pooler', () => {
    const direct = renderPostgresChart({ 'pooler.enabled': false }).find(
      (o) => o.kind === 'Cluster',
    );
    assert.ok(Number(direct.spec.postgresql.parameters.max_connections) >= clients + 10);
  });

  it('refuses to render the apps when their maxima would exceed the connections', () => {
    // 30 gateways + 4 others, × 12 = 408 > 400.
    const refusal = helmRefusal('mediaflow', CHART, {
      namespace: 'mediaflow',
      set: {
        ...REQUIRED,
        'services.gateway.autoscaling.maxReplicas': 30,
        'database.poolSize': 12,
      },
    });
    assert.match(refusal, /open 408 database connections/);
    assert.ok(renderChart({ 'database.poolSize': 12 }).length > 0);
  });
});
