import type { io } from '@tensorflow/tfjs';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The models nsfwjs ships inside its npm package, by the directory each lives in. */
export const NSFW_MODEL_NAMES = ['mobilenet_v2', 'mobilenet_v2_mid', 'inception_v3'] as const;
export type NsfwModelName = (typeof NSFW_MODEL_NAMES)[number];

export const NSFW_MODELS: Record<NsfwModelName, { size: number; graph: boolean }> = {
  /** nsfwjs's default: a Keras layers model, about 90 % accurate by its authors' count. */
  mobilenet_v2: { size: 224, graph: false },
  /** A graph model, about 93 % accurate by its authors' count, and the fastest on WASM here (bench:nsfw). */
  mobilenet_v2_mid: { size: 224, graph: true },
  /** The largest and slowest, with 299×299 input. */
  inception_v3: { size: 299, graph: false },
};

const load = createRequire(__filename);

/** Where the bundled models are: `dist/models/<name>/` of the nsfwjs package, next to its code. */
export function bundledModelsDir(): string {
  return path.resolve(path.dirname(load.resolve('nsfwjs/core')), '../models');
}

/**
 * The model's topology and weights, read from the files nsfwjs bundles
 * (`model.min.js` and `group1-shardNofM.min.js`, CommonJS modules exporting
 * the model JSON and base64 weights), so nothing is fetched.
 *
 * Read here rather than through nsfwjs's own `load("MobileNetV2")`: its
 * loader wraps each module in an import helper that copies a 3.5 MB weight
 * string property by property, 3.5 million of them, which took 8 to 15 s in
 * Node for the smallest model; read directly, it takes 40 ms.
 */
export function readModelArtifacts(name: NsfwModelName, modelsDir: string): io.ModelArtifacts {
  const dir = path.join(modelsDir, name);
  const json = requireOnce(path.join(dir, 'model.min.js')) as io.ModelJSON;
  if (!json?.modelTopology || !Array.isArray(json.weightsManifest))
    throw new Error(`${dir}/model.min.js holds no model (files: ${listing(dir)})`);
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) {
      const base64 = requireOnce(path.join(dir, `${shard}.min.js`));
      if (typeof base64 !== 'string') throw new Error(`${dir}/${shard}.min.js holds no weights`);
      shards.push(Buffer.from(base64, 'base64'));
    }
  }
  const weights = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}

/** Requires a module and drops it from the cache: the weights live on in the model's tensors, not twice. */
function requireOnce(file: string): unknown {
  const resolved = load.resolve(file);
  try {
    return load(resolved);
  } finally {
    delete load.cache[resolved];
  }
}

function listing(dir: string): string {
  try {
    return readdirSync(dir).join(', ') || 'none';
  } catch {
    return 'none';
  }
}
