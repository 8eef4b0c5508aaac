// The stand-in for `kustomize build` (support/kustomize.mjs) renders what
// kustomize renders for the features it claims, and refuses the rest.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { kustomizeHash, renderKustomization } from './support/kustomize.mjs';

const root = mkdtempSync(path.join(tmpdir(), 'mediaflow-kustomize-'));
after(() => rmSync(root, { recursive: true, force: true }));

let fixtures = 0;
/** A directory of files ({ 'base/kustomization.yaml': '…' }); returns its path. */
function tree(files) {
  const dir = path.join(root, String(fixtures++));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const BASE = {
  'base/kustomization.yaml': `
labels:
  - pairs: { app.kubernetes.io/part-of: demo }
resources: [config.yaml, app.yaml]
`,
  'base/config.yaml': `
apiVersion: v1
kind: ConfigMap
metadata: { name: app-config }
data: { LOG_LEVEL: info, PORT: "3000" }
`,
  'base/app.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  selector: { matchLabels: { name: app } }
  template:
    metadata: { labels: { name: app } }
    spec:
      containers:
        - name: app
          image: app
          envFrom:
            - configMapRef: { name: app-config }
          env:
            - { name: DATA_DIR, value: /data }
            - { name: TMPDIR, value: /tmp }
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
            - { name: files, mountPath: /data }
        - name: sidecar
          image: sidecar
          volumeMounts:
            - { name: files, mountPath: /data }
      volumes:
        - { name: tmp, emptyDir: {} }
        - { name: files, persistentVolumeClaim: { claimName: files } }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: files }
spec:
  accessModes: [ReadWriteMany]
  resources: { requests: { storage: 1Gi } }
`,
};

/** The base plus an overlay whose kustomization is `overlay` and whose other files are `files`. */
const overlay = (kustomization, files = {}) =>
  tree({ ...BASE, 'overlay/kustomization.yaml': kustomization, ...files });

const find = (objects, kind, name) =>
  objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name));

describe('kustomizeHash', () => {
  // The expectations of kustomize's own api/hasher/hasher_test.go.
  const cases = [
    [{ kind: 'ConfigMap' }, '6ct58987ht'],
    [{ kind: 'ConfigMap', data: { one: '' } }, '9g67k2htb6'],
    [{ kind: 'ConfigMap', data: { two: 2, one: '', three: 3 } }, '7757f9kkct'],
    [{ kind: 'ConfigMap', binaryData: { one: '' } }, '6mtk2m274t'],
    [{ kind: 'ConfigMap', data: { one: '' }, binaryData: { two: '' } }, '698h7c7t9m'],
    [{ kind: 'Secret', type: 'my-type' }, '5gmgkf8578'],
    [{ kind: 'Secret', type: 'my-type', data: { one: '' } }, '74bd68bm66'],
    [{ kind: 'Secret', type: 'my-type', data: { two: 2, one: '', three: 3 } }, '4gf75c7476'],
    [{ kind: 'Secret', type: 'my-type', data: { one: '' }, stringData: { two: 2 } }, 'c4h4264gdb'],
  ];
  for (const [object, hash] of cases) {
    it(`hashes ${JSON.stringify(object)} as kustomize does`, () => {
      assert.equal(kustomizeHash(object), hash);
    });
  }
});

describe('renderKustomization', () => {
  it('renders the base with its labels on every object, and leaves selectors and templates alone', () => {
    const objects = renderKustomization(path.join(tree(BASE), 'base'));
    assert.deepEqual(
      objects.map((o) => [o.kind, o.metadata.name, o.metadata.labels]),
      [
        ['ConfigMap', 'app-config', { 'app.kubernetes.io/part-of': 'demo' }],
        ['Deployment', 'app', { 'app.kubernetes.io/part-of': 'demo' }],
        ['PersistentVolumeClaim', 'files', { 'app.kubernetes.io/part-of': 'demo' }],
      ],
    );
    const app = find(objects, 'Deployment', 'app');
    assert.deepEqual(app.spec.selector.matchLabels, { name: 'app' });
    assert.deepEqual(app.spec.template.metadata.labels, { name: 'app' });
  });

  it('merges generated literals into a ConfigMap of the base: its keys win, and its name gets no hash', () => {
    const dir = overlay(`
resources: [../base]
configMapGenerator:
  - name: app-config
    behavior: merge
    literals: [LOG_LEVEL=debug, 'QUOTED="a b"', URL=http://x/?a=b]
`);
    const config = find(renderKustomization(path.join(dir, 'overlay')), 'ConfigMap', 'app-config');
    assert.equal(config.metadata.name, 'app-config');
    assert.deepEqual(config.metadata.labels, { 'app.kubernetes.io/part-of': 'demo' });
    assert.deepEqual(config.data, {
      LOG_LEVEL: 'debug',
      PORT: '3000',
      QUOTED: 'a b',
      URL: 'http://x/?a=b',
    });
  });

  it('names a generated Secret by its content and rewrites the envFrom that names it', () => {
    const dir = overlay(
      `
resources: [../base]
secretGenerator:
  - name: keys
    literals: [ID=change-me, SECRET=change-me]
patches:
  - path: patch.yaml
`,
      {
        'overlay/patch.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  template:
    spec:
      containers:
        - name: app
          envFrom:
            - configMapRef: { name: app-config }
            - secretRef: { name: keys, optional: true }
`,
      },
    );
    const objects = renderKustomization(path.join(dir, 'overlay'));
    const secret = find(objects, 'Secret', 'keys');
    const unsuffixed = { ...secret, metadata: { name: 'keys' } };
    assert.equal(secret.metadata.name, `keys-${kustomizeHash(unsuffixed)}`);
    assert.equal(secret.type, 'Opaque');
    assert.deepEqual(secret.data, { ID: 'Y2hhbmdlLW1l', SECRET: 'Y2hhbmdlLW1l' });
    const [container] = find(objects, 'Deployment', 'app').spec.template.spec.containers;
    assert.deepEqual(container.envFrom, [
      { configMapRef: { name: 'app-config' } },
      { secretRef: { name: secret.metadata.name, optional: true } },
    ]);
  });

  it('applies a strategic-merge patch: list items by merge key, $patch: delete, envFrom whole, null removes', () => {
    const dir = overlay(
      `
resources: [../base]
patches:
  - path: patch.yaml
`,
      {
        'overlay/patch.yaml': `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: files }
$patch: delete
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: app }
spec:
  selector: null
  template:
    spec:
      containers:
        - name: app
          envFrom:
            - secretRef: { name: other }
          env:
            - { name: DATA_DIR, $patch: delete }
            - { name: TMPDIR, value: /scratch }
            - { name: ADDED, value: "1" }
          volumeMounts:
            - { mountPath: /data, $patch: delete }
            - { mountPath: /gone, $patch: delete }
        - name: sidecar
          volumeMounts:
            - { mountPath: /data, $patch: delete }
      volumes:
        - { name: files, $patch: delete }
        - { name: cache, emptyDir: {} }
`,
      },
    );
    const objects = renderKustomization(path.join(dir, 'overlay'));
    assert.equal(find(objects, 'PersistentVolumeClaim', 'files'), undefined);
    const app = find(objects, 'Deployment', 'app');
    assert.equal(app.spec.selector, undefined);
    const [main, sidecar] = app.spec.template.spec.containers;
    assert.equal(main.image, 'app');
    assert.deepEqual(main.envFrom, [{ secretRef: { name: 'other' } }]);
    assert.deepEqual(main.env, [
      { name: 'TMPDIR', value: '/scratch' },
      { name: 'ADDED', value: '1' },
    ]);
    assert.deepEqual(main.volumeMounts, [{ name: 'tmp', mountPath: '/tmp' }]);
    // An emptied list: [] here; kustomize may drop the field, which means the same.
    assert.deepEqual(sidecar.volumeMounts ?? [], []);
    assert.equal(sidecar.image, 'sidecar');
    assert.deepEqual(app.spec.template.spec.volumes, [
      { name: 'tmp', emptyDir: {} },
      { name: 'cache', emptyDir: {} },
    ]);
  });

  const refusals = [
    [
      'a kustomization field it does not model',
      'resources: [../base]\nnamespace: demo\n',
      {},
      /namespace is not supported/,
    ],
    [
      'a merge into nothing',
      'resources: [../base]\nconfigMapGenerator:\n  - { name: nothing, behavior: merge, literals: [A=1] }\n',
      {},
      /does not exist; cannot merge/,
    ],
    [
      'a generator that collides with an object',
      'resources: [../base]\nconfigMapGenerator:\n  - { name: app-config, literals: [A=1] }\n',
      {},
      /exists; behavior must be merge/,
    ],
    [
      'a patch of a list whose merge rule it does not know',
      'resources: [../base]\npatches:\n  - path: patch.yaml\n',
      {
        'overlay/patch.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec: { template: { spec: { tolerations: [] } } }\n',
      },
      /does not know how kustomize merges that list/,
    ],
    [
      'a change to a volume (merged with retainKeys)',
      'resources: [../base]\npatches:\n  - path: patch.yaml\n',
      {
        'overlay/patch.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec: { template: { spec: { volumes: [{ name: tmp, emptyDir: { medium: Memory } }] } } }\n',
      },
      /retainKeys/,
    ],
    [
      '$patch: replace',
      'resources: [../base]\npatches:\n  - path: patch.yaml\n',
      {
        'overlay/patch.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\n$patch: replace\n',
      },
      /\$patch: replace is not supported/,
    ],
    [
      'a patch of an object that is not there',
      'resources: [../base]\npatches:\n  - path: patch.yaml\n',
      {
        'overlay/patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: nobody }\n',
      },
      /no apps\/v1 Deployment \/nobody to patch/,
    ],
    [
      'a reference to a generated name it cannot rewrite',
      'resources: [../base]\nsecretGenerator:\n  - { name: keys, literals: [A=1] }\npatches:\n  - path: patch.yaml\n',
      {
        'overlay/patch.yaml':
          'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: app }\nspec: { template: { spec: { volumes: [{ name: keys, secret: { secretName: keys } }] } } }\n',
      },
      /names keys, a generated object this renderer renamed but cannot rewrite there/,
    ],
  ];
  for (const [what, kustomization, files, error] of refusals) {
    it(`refuses ${what}`, () => {
      const dir = overlay(kustomization, files);
      assert.throws(() => renderKustomization(path.join(dir, 'overlay')), error);
    });
  }
});
