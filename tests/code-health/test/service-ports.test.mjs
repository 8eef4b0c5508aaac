// scripts/service-ports.js: the ports `pnpm start:services` gives the apps
// and how it knows the answer on a port is its own app's. Here in
// code-health, the workspace's node:test package, because scripts/ is no
// workspace package of its own and `pnpm test` runs only those.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(import.meta.url);
const {
  SERVICES,
  readPorts,
  isOurHealthAnswer,
  portTakenMessage,
} = require('../../../scripts/service-ports.js');

const service = (name) => SERVICES.find((s) => s.name === name);

describe('readPorts', () => {
  it('gives the gateway 3000 and leaves every other app to a free port when nothing is set', () => {
    const { ports, problems } = readPorts({});
    assert.deepEqual(problems, []);
    assert.deepEqual(Object.fromEntries(ports), {
      'automation-registry': undefined,
      scheduler: undefined,
      'worker-video': undefined,
      'worker-image': undefined,
      'worker-subtitles': undefined,
      'worker-summary': undefined,
      gateway: 3000,
    });
  });

  it('reads each app its own variable, and PORT for the gateway', () => {
    const { ports, problems } = readPorts({
      PORT: '8080',
      MEDIAFLOW_PORT_AUTOMATION_REGISTRY: '4001',
      MEDIAFLOW_PORT_SCHEDULER: ' 4002 ',
      MEDIAFLOW_PORT_WORKER_VIDEO: '4003',
      MEDIAFLOW_PORT_WORKER_IMAGE: '4004',
      MEDIAFLOW_PORT_WORKER_SUBTITLES: '1',
      MEDIAFLOW_PORT_WORKER_SUMMARY: '65535',
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(Object.fromEntries(ports), {
      'automation-registry': 4001,
      scheduler: 4002,
      'worker-video': 4003,
      'worker-image': 4004,
      'worker-subtitles': 1,
      'worker-summary': 65535,
      gateway: 8080,
    });
  });

  it('counts an empty value as unset', () => {
    const { ports, problems } = readPorts({ PORT: '', MEDIAFLOW_PORT_SCHEDULER: '' });
    assert.deepEqual(problems, []);
    assert.equal(ports.get('gateway'), 3000);
    assert.equal(ports.get('scheduler'), undefined);
  });

  for (const bad of ['0', '65536', '-1', '3000.0', '3e3', '0x10', 'abc', '30 01', '999999']) {
    it(`refuses ${JSON.stringify(bad)}, naming the variable and the value`, () => {
      const { problems } = readPorts({ MEDIAFLOW_PORT_WORKER_IMAGE: bad });
      assert.deepEqual(problems, [
        `MEDIAFLOW_PORT_WORKER_IMAGE must be a port number, a whole number from 1 to 65535 (got ${JSON.stringify(bad)})`,
      ]);
    });
  }

  it('reports every bad variable, not only the first', () => {
    const { problems } = readPorts({ PORT: 'x', MEDIAFLOW_PORT_SCHEDULER: '70000' });
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^MEDIAFLOW_PORT_SCHEDULER /);
    assert.match(problems[1], /^PORT /);
  });

  it('refuses two apps on one port, the gateway default included', () => {
    assert.deepEqual(
      readPorts({ MEDIAFLOW_PORT_SCHEDULER: '4000', MEDIAFLOW_PORT_WORKER_VIDEO: '4000' }).problems,
      [
        'MEDIAFLOW_PORT_SCHEDULER and MEDIAFLOW_PORT_WORKER_VIDEO both name port 4000: each app needs a port of its own',
      ],
    );
    assert.deepEqual(readPorts({ MEDIAFLOW_PORT_WORKER_SUMMARY: '3000' }).problems, [
      'MEDIAFLOW_PORT_WORKER_SUMMARY and PORT (unset, so 3000) both name port 3000: each app needs a port of its own',
    ]);
  });

  it('refuses three apps on one port in one line', () => {
    assert.deepEqual(
      readPorts({
        PORT: '4000',
        MEDIAFLOW_PORT_SCHEDULER: '4000',
        MEDIAFLOW_PORT_WORKER_VIDEO: '4000',
      }).problems,
      [
        'MEDIAFLOW_PORT_SCHEDULER, MEDIAFLOW_PORT_WORKER_VIDEO and PORT all name port 4000: each app needs a port of its own',
      ],
    );
  });

  it('uses variables no app or package reads (each app reads PORT, which the script sets)', () => {
    const readers = [];
    for (const group of ['apps', 'packages']) {
      for (const name of readdirSync(path.join(root, group))) {
        const src = path.join(root, group, name, 'src');
        if (!existsSync(src)) continue;
        for (const file of readdirSync(src, { recursive: true })) {
          if (!file.endsWith('.ts')) continue;
          const text = readFileSync(path.join(src, file), 'utf8');
          if (SERVICES.some((s) => !s.public && text.includes(s.variable)))
            readers.push(path.join(group, name, 'src', file));
        }
      }
    }
    assert.deepEqual(readers, []);
  });
});

describe('isOurHealthAnswer', () => {
  const id = '4f1c2a9e-8b7d-4e36-9c0a-5d2b1e7f3a68';
  const table = [
    ['our id', 200, JSON.stringify({ status: 'ok', instance: id }), true],
    ['no id: another program, or an app built before ids', 200, '{"status":"ok"}', false],
    [
      'another id: a process left from an earlier start',
      200,
      JSON.stringify({ status: 'ok', instance: 'other' }),
      false,
    ],
    ['our id, but not ok', 200, JSON.stringify({ status: 'down', instance: id }), false],
    ['our id with an error status', 503, JSON.stringify({ status: 'ok', instance: id }), false],
    ['a 404 page', 404, 'Not Found', false],
    ['not JSON', 200, '<html>ok</html>', false],
    ['JSON null', 200, 'null', false],
    ['an empty body', 200, '', false],
  ];
  for (const [what, status, body, ours] of table) {
    it(`${ours ? 'takes' : 'refuses'} ${what}`, () => {
      assert.equal(isOurHealthAnswer(status, body, id), ours);
    });
  }
});

describe('portTakenMessage', () => {
  it('names the app, the port and the variable to set', () => {
    assert.equal(
      portTakenMessage(service('worker-image'), 3004),
      'worker-image cannot start: port 3004 is taken by another program: set MEDIAFLOW_PORT_WORKER_IMAGE to a free port, or leave it unset for a free one',
    );
  });

  it('tells the gateway to set PORT: it has a fixed default, no free one', () => {
    assert.equal(
      portTakenMessage(service('gateway'), 3000),
      'gateway cannot start: port 3000 is taken by another program: set PORT to a free port',
    );
  });

  it('says a port the OS picked was taken since', () => {
    assert.equal(
      portTakenMessage(service('scheduler'), 41234, true),
      'scheduler cannot start: port 41234 is taken by another program (it was free a moment ago): start again, or set MEDIAFLOW_PORT_SCHEDULER to a free port',
    );
  });
});
