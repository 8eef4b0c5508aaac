// `kustomize build` for the few features infra/k8s uses, so the tests can
// check what an overlay renders to on machines without a kustomize binary.
// It follows kustomize v5 (kubernetes-sigs/kustomize: api/hasher,
// api/resmap/reswrangler.go, plugin/builtin/patchtransformer) for exactly:
//   - resources: files (one or more documents) and directories (built first);
//   - labels: `pairs` only, added to metadata.labels;
//   - configMapGenerator / secretGenerator from `literals`, behavior create
//     (a hash suffix on the name, and Deployments' envFrom references
//     rewritten to it; a reference anywhere else throws) or merge (into the
//     object of that name: its keys win, the name keeps no suffix unless the
//     object was generated itself);
//   - patches: strategic-merge documents found by apiVersion, kind and name;
//     `$patch: delete` on a whole document or on a list item, found by the
//     list's merge key (containers and volumes by name, volumeMounts by
//     mountPath, env by name); lists without a merge key (envFrom) are
//     replaced whole; `null` removes a field.
// Anything else throws rather than rendering something kustomize would not.
// Output is in load order (kustomize sorts by kind); nothing here depends on it.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const FIELDS = new Set([
  'apiVersion',
  'kind',
  'resources',
  'labels',
  'configMapGenerator',
  'secretGenerator',
  'patches',
]);
const GENERATOR_FIELDS = new Set(['name', 'behavior', 'literals', 'type']);

const POD = 'spec.template.spec';
/**
 * How strategic merge treats each list a patch may touch, by kind and path
 * (`[]` steps into the items), from the Kubernetes types' patchMergeKey and
 * listType. A list missing here is refused: guessing would render wrong.
 */
const LISTS = {
  Deployment: {
    [`${POD}.containers`]: { mergeKey: 'name' },
    [`${POD}.initContainers`]: { mergeKey: 'name' },
    // patchStrategy merge,retainKeys: deleting and adding items is plain
    // merging, changing one is not (retainKeys drops the fields left out).
    [`${POD}.volumes`]: { mergeKey: 'name', noItemMerge: 'volumes are merged with retainKeys' },
    [`${POD}.containers[].volumeMounts`]: { mergeKey: 'mountPath' },
    [`${POD}.containers[].env`]: { mergeKey: 'name' },
    [`${POD}.containers[].ports`]: { mergeKey: 'containerPort' },
    [`${POD}.containers[].envFrom`]: 'atomic',
    [`${POD}.containers[].command`]: 'atomic',
    [`${POD}.containers[].args`]: 'atomic',
  },
};

/** Where a pod spec names ConfigMaps and Secrets (kustomize's nameReference, for pod specs). */
const POD_REFERENCES = [
  ['containers', 'envFrom', 'configMapRef', 'ConfigMap'],
  ['containers', 'envFrom', 'secretRef', 'Secret'],
  ['initContainers', 'envFrom', 'configMapRef', 'ConfigMap'],
  ['initContainers', 'envFrom', 'secretRef', 'Secret'],
];

/** The objects `kustomize build <dir>` prints, for the features above. */
export function renderKustomization(dir) {
  const entries = build(path.resolve(dir));
  // Hashes are added once, at the top, after every level has merged and
  // patched (kusttarget: addHashesToNames, then FixBackReferences).
  const renames = new Map();
  for (const entry of entries.filter((e) => e.hashSuffix)) {
    const { kind, metadata } = entry.object;
    const name = `${metadata.name}-${kustomizeHash(entry.object)}`;
    renames.set(`${kind}/${metadata.name}`, name);
    entry.object = { ...entry.object, metadata: { ...metadata, name } };
  }
  const objects = entries.map((e) => rewriteReferences(e.object, renames));
  refuseUnrewrittenReferences(objects, renames);
  return objects;
}

/**
 * kustomize's content hash of a ConfigMap or Secret (api/hasher): the
 * sha256 of Go's JSON of a few fields, its first ten hex digits with
 * vowels and some digits swapped so the suffix never spells a word.
 */
export function kustomizeHash(object) {
  const value = (v) => (v === undefined || v === null ? '' : v);
  const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  let fields;
  if (object.kind === 'ConfigMap') {
    fields = { kind: 'ConfigMap', name: value(object.metadata?.name), data: value(object.data) };
    if (isMap(object.binaryData)) fields.binaryData = object.binaryData;
  } else if (object.kind === 'Secret') {
    fields = {
      kind: 'Secret',
      type: value(object.type),
      name: value(object.metadata?.name),
      data: value(object.data),
    };
    if (isMap(object.stringData)) fields.stringData = object.stringData;
  } else {
    throw new Error(
      `no name hash for a ${object.kind} here (only generated ConfigMaps and Secrets)`,
    );
  }
  const hex = createHash('sha256').update(goJson(fields)).digest('hex');
  const swap = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

/** Go's json.Marshal of maps: keys sorted, and <, >, &, U+2028, U+2029 escaped. */
function goJson(value) {
  const sorted = (v) => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sorted(v[k])]),
    );
  };
  return JSON.stringify(sorted(value)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function readDocuments(file) {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      return doc.toJS();
    })
    .filter((object) => object !== null && object !== undefined);
}

const idOf = (o) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** One level: its resources, then its generators, then its transformers (patches before labels). */
function build(dir) {
  const file = path.join(dir, 'kustomization.yaml');
  const [kustomization] = readDocuments(file);
  for (const field of Object.keys(kustomization)) {
    if (!FIELDS.has(field)) throw new Error(`${file}: ${field} is not supported by this renderer`);
  }
  if (kustomization.kind !== undefined && kustomization.kind !== 'Kustomization') {
    throw new Error(`${file}: kind ${kustomization.kind} is not supported by this renderer`);
  }

  const entries = [];
  for (const resource of kustomization.resources ?? []) {
    const target = path.resolve(dir, resource);
    const loaded = statSync(target).isDirectory()
      ? build(target)
      : readDocuments(target).map((object) => ({ object, hashSuffix: false }));
    for (const entry of loaded) {
      if (entries.some((e) => idOf(e.object) === idOf(entry.object))) {
        throw new Error(`${file}: ${idOf(entry.object)} is loaded twice`);
      }
      entries.push(entry);
    }
  }

  for (const generator of kustomization.configMapGenerator ?? [])
    absorb(entries, generate('ConfigMap', generator, file), file);
  for (const generator of kustomization.secretGenerator ?? [])
    absorb(entries, generate('Secret', generator, file), file);

  for (const patch of kustomization.patches ?? []) applyPatch(entries, patch, dir, file);

  for (const { pairs, ...options } of kustomization.labels ?? []) {
    if (Object.keys(options).some((option) => options[option])) {
      throw new Error(
        `${file}: labels ${Object.keys(options).join(', ')} are not supported by this renderer`,
      );
    }
    for (const entry of entries) {
      const { metadata } = entry.object;
      entry.object = {
        ...entry.object,
        metadata: { ...metadata, labels: { ...metadata.labels, ...pairs } },
      };
    }
  }
  return entries;
}

function generate(kind, generator, file) {
  for (const field of Object.keys(generator)) {
    if (!GENERATOR_FIELDS.has(field) || (field === 'type' && kind !== 'Secret')) {
      throw new Error(
        `${file}: ${generator.name}: generator field ${field} is not supported by this renderer`,
      );
    }
  }
  const data = {};
  for (const literal of generator.literals ?? []) {
    // kustomize's parseLiteralSource: split at the first =, strip one pair of matching quotes.
    const at = literal.indexOf('=');
    if (at < 1)
      throw new Error(`${file}: ${generator.name}: invalid literal ${literal}, expected key=value`);
    const key = literal.slice(0, at);
    let value = literal.slice(at + 1);
    if (value.length >= 2 && value[0] === value.at(-1) && (value[0] === '"' || value[0] === "'"))
      value = value.slice(1, -1);
    if (!/^[-._a-zA-Z0-9]+$/.test(key))
      throw new Error(`${file}: ${generator.name}: invalid key ${key}`);
    if (key in data) throw new Error(`${file}: ${generator.name}: ${key} given twice`);
    data[key] = kind === 'Secret' ? Buffer.from(value, 'utf8').toString('base64') : value;
  }
  const object = { apiVersion: 'v1', kind, metadata: { name: generator.name } };
  if (kind === 'Secret') object.type = generator.type ?? 'Opaque';
  object.data = data;
  return { object, behavior: generator.behavior ?? 'create' };
}

/** reswrangler.appendReplaceOrMerge, for create and merge. */
function absorb(entries, { object, behavior }, file) {
  const matches = entries.filter((e) => idOf(e.object) === idOf(object));
  if (behavior === 'create') {
    if (matches.length > 0)
      throw new Error(`${file}: ${idOf(object)} exists; behavior must be merge`);
    entries.push({ object, hashSuffix: true });
    return;
  }
  if (behavior !== 'merge')
    throw new Error(`${file}: behavior ${behavior} is not supported by this renderer`);
  if (matches.length !== 1)
    throw new Error(`${file}: ${idOf(object)} does not exist; cannot merge`);
  const [old] = matches;
  // The generated keys win; the metadata, and with it whether the name gets
  // a hash, stay the old object's (CopyMergeMetaDataFieldsFrom).
  old.object = { ...old.object, data: { ...old.object.data, ...object.data } };
}

function applyPatch(entries, patch, dir, file) {
  for (const field of Object.keys(patch)) {
    if (field !== 'path' && field !== 'patch')
      throw new Error(`${file}: patch ${field} is not supported by this renderer`);
  }
  const documents = patch.path
    ? readDocuments(path.resolve(dir, patch.path))
    : parseAllDocuments(patch.patch).map((doc) => doc.toJS());
  for (const document of documents) {
    if (Array.isArray(document))
      throw new Error(`${file}: JSON 6902 patches are not supported by this renderer`);
    const { $patch, ...fields } = document;
    const index = entries.findIndex((e) => idOf(e.object) === idOf(fields));
    if (index < 0) throw new Error(`${file}: no ${idOf(fields)} to patch`);
    if ($patch === 'delete') {
      entries.splice(index, 1);
      continue;
    }
    if ($patch !== undefined)
      throw new Error(`${file}: $patch: ${$patch} is not supported by this renderer`);
    const entry = entries[index];
    entry.object = mergeMap(entry.object, fields, '', entry.object.kind);
  }
}

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function mergeMap(target, patch, at, kind) {
  const out = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const here = at ? `${at}.${key}` : key;
    if (key.startsWith('$'))
      throw new Error(`${kind} ${here}: directive not supported by this renderer`);
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = mergeList(out[key] ?? [], value, here, kind);
    else if (isPlainObject(value))
      out[key] = mergeMap(isPlainObject(out[key]) ? out[key] : {}, value, here, kind);
    else out[key] = value;
  }
  return out;
}

function mergeList(target, patch, at, kind) {
  const rule = LISTS[kind]?.[at];
  if (!rule)
    throw new Error(`${kind} ${at}: this renderer does not know how kustomize merges that list`);
  if (rule === 'atomic') {
    if (patch.some((item) => isPlainObject(item) && '$patch' in item)) {
      throw new Error(`${kind} ${at}: $patch in a list without a merge key`);
    }
    return structuredClone(patch);
  }
  const out = [...target];
  for (const item of patch) {
    if (!isPlainObject(item) || item[rule.mergeKey] === undefined) {
      throw new Error(`${kind} ${at}: every item needs its ${rule.mergeKey}`);
    }
    const { $patch, ...fields } = item;
    const index = out.findIndex((existing) => existing?.[rule.mergeKey] === item[rule.mergeKey]);
    if ($patch === 'delete') {
      // As in Kubernetes, deleting an item that is not there changes nothing.
      if (index >= 0) out.splice(index, 1);
    } else if ($patch !== undefined) {
      throw new Error(`${kind} ${at}: $patch: ${$patch} is not supported by this renderer`);
    } else if (index < 0) {
      out.push(mergeMap({}, fields, `${at}[]`, kind));
    } else if (rule.noItemMerge) {
      throw new Error(
        `${kind} ${at}: changing ${item[rule.mergeKey]} is not supported by this renderer (${rule.noItemMerge})`,
      );
    } else {
      out[index] = mergeMap(out[index], fields, `${at}[]`, kind);
    }
  }
  return out;
}

function rewriteReferences(object, renames) {
  if (renames.size === 0 || object.kind !== 'Deployment') return object;
  const out = structuredClone(object);
  const pod = out.spec?.template?.spec ?? {};
  for (const [containers, list, ref, kind] of POD_REFERENCES) {
    for (const container of pod[containers] ?? []) {
      for (const source of container[list] ?? []) {
        const name = source[ref]?.name;
        if (renames.has(`${kind}/${name}`)) source[ref].name = renames.get(`${kind}/${name}`);
      }
    }
  }
  return out;
}

/** A generated name still found anywhere else is a reference this renderer does not know how to rewrite. */
function refuseUnrewrittenReferences(objects, renames) {
  const oldNames = new Set([...renames.keys()].map((key) => key.slice(key.indexOf('/') + 1)));
  const renamed = new Set(renames.values());
  const visit = (value, where) => {
    if (typeof value === 'string' && oldNames.has(value)) {
      throw new Error(
        `${where} names ${value}, a generated object this renderer renamed but cannot rewrite there`,
      );
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) visit(child, `${where}.${key}`);
    }
  };
  for (const object of objects) {
    if (!renamed.has(object.metadata?.name))
      visit(object, `${object.kind}/${object.metadata?.name}`);
  }
}
