// The mediaflow chart against the NATS that values/nats.yaml really deploys:
// the official chart (vendored) rendered by the real helm. KEDA's
// nats-jetstream scaler reads `http://<endpoint>/jsz?…`; in a cluster whose
// routes are not advertised (`no_advertise`), it then asks the consumer's
// leader at `http://<server_name>.<endpoint>/jsz?…` (kedacore/keda,
// pkg/scalers/nats_jetstream_scaler.go, getNATSJetStreamMonitoringNodeURLByNode).
// So the endpoint must be a Service that exposes the monitoring port, and,
// with no_advertise, the headless Service of the StatefulSet, under which
// `<pod name>.<service>` resolves.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderChart, renderNatsChart } from './support/chart.mjs';

const NAMESPACE = 'nats';
const nats = renderNatsChart();
const services = nats.filter((m) => m.kind === 'Service');
const [statefulSet] = nats.filter((m) => m.kind === 'StatefulSet');
// nats.conf as the chart writes it is JSON with bare units (10Gi) and
// variables ($SERVER_NAME): a YAML flow mapping, which the YAML parser reads.
const natsConf = parse(
  nats.find((m) => m.kind === 'ConfigMap' && m.data?.['nats.conf']).data['nats.conf'],
);
const mediaflow = renderChart();
const triggers = mediaflow
  .filter((m) => m.kind === 'ScaledObject')
  .flatMap((scaled) =>
    scaled.spec.triggers
      .filter((trigger) => trigger.type === 'nats-jetstream')
      .map((trigger) => ({ name: scaled.metadata.name, trigger })),
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

describe("the apps' NATS users, against the rendered NATS chart", () => {
  const container = statefulSet.spec.template.spec.containers.find((c) => c.name === 'nats');
  const users = natsConf.authorization.users;

  it('has a user, with a password from the Secret, for every role the chart connects as', () => {
    const roles = new Set(
      mediaflow
        .filter((m) => m.kind === 'Deployment')
        .map(
          (d) => d.spec.template.spec.containers[0].env.find((e) => e.name === 'NATS_USER').value,
        ),
    );
    const secret = mediaflow
      .find((m) => m.kind === 'Deployment')
      .spec.template.spec.containers[0].env.find((e) => e.name === 'NATS_PASSWORD').valueFrom
      .secretKeyRef.name;
    for (const role of roles) {
      const user = users.find((u) => u.user === role);
      assert.ok(user, `no NATS user ${role}`);
      // A bare $VARIABLE in nats.conf: the server reads it from its environment.
      const variable = user.password.replace(/^\$/, '');
      const env = container.env.find((e) => e.name === variable);
      assert.deepEqual(env?.valueFrom.secretKeyRef, { name: secret, key: role }, role);
    }
  });

  it('lets no user connect without a password', () => {
    assert.ok(users.length > 0);
    for (const user of users) assert.match(user.password, /^\$[A-Z_]+$/);
    assert.equal(natsConf.no_auth_user, undefined);
  });

  it('keeps workers from queueing work or calling the services', () => {
    const worker = users.find((u) => u.user === 'worker').permissions.publish.allow;
    for (const subject of worker) assert.doesNotMatch(subject, /^(tasks\.run|scheduler|registry)/);
  });
});
