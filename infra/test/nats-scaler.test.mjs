// The KEDA triggers against the NATS that values/nats.yaml really deploys:
// the official chart (vendored) rendered by the real helm. KEDA's
// nats-jetstream scaler reads `http://<endpoint>/jsz?…`; in a cluster whose
// routes are not advertised (`no_advertise`), it then asks the consumer's
// leader at `http://<server_name>.<endpoint>/jsz?…` (kedacore/keda,
// pkg/scalers/nats_jetstream_scaler.go, getNATSJetStreamMonitoringNodeURLByNode).
// So the endpoint must be a Service that exposes the monitoring port, and,
// with no_advertise, the headless Service of the StatefulSet, under which
// `<pod name>.<service>` resolves.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO } from './support/built.mjs';
import { helmTemplate, VENDOR } from './support/helm.mjs';
import { renderKustomization } from './support/kustomize.mjs';

const NAMESPACE = 'nats';
const nats = helmTemplate('nats', path.join(VENDOR, 'nats-chart'), {
  namespace: NAMESPACE,
  values: [path.join(REPO, 'infra', 'values', 'nats.yaml')],
});
const services = nats.filter((m) => m.kind === 'Service');
const [statefulSet] = nats.filter((m) => m.kind === 'StatefulSet');
// nats.conf as the chart writes it is JSON with bare units (10Gi) and
// variables ($SERVER_NAME): a YAML flow mapping, which the YAML parser reads.
const natsConf = parse(
  nats.find((m) => m.kind === 'ConfigMap' && m.data?.['nats.conf']).data['nats.conf'],
);
const triggers = renderKustomization(path.join(REPO, 'infra', 'k8s', 'base'))
  .filter((m) => m.kind === 'ScaledObject')
  .flatMap((scaled) =>
    scaled.spec.triggers.map((trigger) => ({ name: scaled.metadata.name, trigger })),
  );

describe('the KEDA triggers, against the rendered NATS chart', () => {
  it('renders a clustered JetStream whose servers are named after their pods', () => {
    assert.equal(natsConf.server_name, '$SERVER_NAME');
    const env = statefulSet.spec.template.spec.containers.find((c) => c.name === 'nats').env;
    assert.equal(env.find((e) => e.name === 'SERVER_NAME').value, '$(POD_NAME)');
    assert.ok(natsConf.jetstream);
    assert.ok(triggers.length > 0);
  });

  for (const { name, trigger } of triggers) {
    const endpoint = trigger.metadata.natsServerMonitoringEndpoint;
    const [host, port] = endpoint.split(':');
    const [serviceName, namespace, ...rest] = host.split('.');
    const service = services.find((s) => s.metadata.name === serviceName);

    describe(`${name}: ${trigger.metadata.consumer} at ${endpoint}`, () => {
      it('names a Service of the chart, in its namespace, with its full cluster name', () => {
        assert.ok(service, `no Service ${serviceName} in the NATS chart`);
        assert.equal(namespace, NAMESPACE);
        assert.deepEqual(rest, ['svc', 'cluster', 'local']);
      });

      it('reaches the monitoring port through that Service', () => {
        assert.equal(Number(port), natsConf.http_port);
        assert.ok(
          service.spec.ports.some((p) => p.port === Number(port)),
          `${serviceName} exposes ${service.spec.ports.map((p) => p.port).join(', ')}`,
        );
      });

      it('lets the scaler reach each server as <pod>.<service> when routes are not advertised', () => {
        if (!natsConf.cluster?.no_advertise) return;
        assert.equal(service.spec.clusterIP, 'None', `${serviceName} is not headless`);
        assert.equal(statefulSet.spec.serviceName, serviceName);
      });
    });
  }
});
