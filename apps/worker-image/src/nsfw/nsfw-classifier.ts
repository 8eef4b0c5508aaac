import { MediaflowError } from '@mediaflow/contracts';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { NSFWJS } from 'nsfwjs/core';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ModelInput } from './model-input';
import type { NsfwBackend } from './nsfw-backends';
import {
  bundledModelsDir,
  NSFW_MODELS,
  readModelArtifacts,
  type NsfwModelName,
} from './nsfw-models';
import { NSFW_CLASSES, type NsfwScores } from './nsfw-verdict';

export interface NsfwClassifierSettings {
  backend: NsfwBackend;
  model: NsfwModelName;
  /** Where the bundled models are; nsfwjs's own package unless a test says otherwise. */
  modelsDir?: string;
}

const localRequire = createRequire(__filename);
let prodMode = false;

/**
 * Makes `backend` the active one. The WASM binaries are read from the
 * tfjs-backend-wasm package on disk, never fetched. tfjs has one active
 * backend per process: a process running two classifiers on different
 * backends (the bench) must use them one after the other.
 */
async function activate(backend: NsfwBackend): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (!prodMode) {
    // Skips tfjs's debug checks, and its console banner advertising tfjs-node.
    tf.enableProdMode();
    prodMode = true;
  }
  if (backend === 'wasm') {
    const dist = path.dirname(localRequire.resolve('@tensorflow/tfjs-backend-wasm'));
    setWasmPaths(`${dist}${path.sep}`);
  }
  if (!(await tf.setBackend(backend)))
    throw new Error(`the TensorFlow.js ${backend} backend did not initialise`);
}

/**
 * The NSFW model of nsfwjs, loaded once per classifier (so once per worker:
 * one classifier is made per worker) on the first picture it is asked about,
 * not at start: an image worker that never sees an `nsfw` task never holds
 * it. Tasks that arrive while it loads wait for the same load.
 */
export class NsfwClassifier {
  private model: Promise<NSFWJS> | null = null;
  private started = 0;

  constructor(private readonly settings: NsfwClassifierSettings) {}

  /** The side of the square picture the model reads. */
  get inputSize(): number {
    return NSFW_MODELS[this.settings.model].size;
  }

  /** How many times a load of the model began (a failed one is tried again by the next task). */
  get loads(): number {
    return this.started;
  }

  /** Loads the model if it is not loaded yet; a failure is `internal`, and the next call tries again. */
  async load(): Promise<void> {
    await this.loaded();
  }

  /** The model's probability for each class; `input` must be `inputSize` square. */
  async classify(input: ModelInput): Promise<NsfwScores> {
    const model = await this.loaded();
    const { size, pixels } = input;
    if (size !== this.inputSize || pixels.length !== size * size * 3)
      throw new MediaflowError(
        'internal',
        `The NSFW model reads ${this.inputSize}×${this.inputSize} RGB, not ${size}×${size}`,
      );
    await activate(this.settings.backend);
    const image = tf.tensor3d(pixels, [size, size, 3], 'int32');
    try {
      const predictions = await model.classify(image, NSFW_CLASSES.length);
      const scores: NsfwScores = { neutral: 0, drawing: 0, sexy: 0, porn: 0, hentai: 0 };
      for (const { className, probability } of predictions) {
        scores[className.toLowerCase() as keyof NsfwScores] = probability;
      }
      return scores;
    } finally {
      image.dispose();
    }
  }

  /** Frees the model's tensors; the next picture loads it again. */
  async dispose(): Promise<void> {
    const model = this.model;
    this.model = null;
    if (model) (await model.catch(() => null))?.dispose();
  }

  private loaded(): Promise<NSFWJS> {
    if (!this.model) {
      this.started++;
      const loading = this.loadModel();
      this.model = loading;
      // Forgotten when it fails, so that a passing fault does not fail every later task.
      loading.catch(() => {
        if (this.model === loading) this.model = null;
      });
    }
    return this.model;
  }

  private async loadModel(): Promise<NSFWJS> {
    const { backend, model: name, modelsDir = bundledModelsDir() } = this.settings;
    try {
      await activate(backend);
      const { size, graph } = NSFW_MODELS[name];
      const model = new NSFWJS(tf.io.fromMemory(readModelArtifacts(name, modelsDir)), {
        size,
        ...(graph ? { type: 'graph' } : {}),
      });
      // Also runs the model once, so the first task does not pay for the warm-up.
      await model.load();
      return model;
    } catch (error) {
      // The first line: Node's "Cannot find module" goes on with its require stack.
      const reason = ((error as Error)?.message ?? String(error)).split('\n')[0];
      throw new MediaflowError(
        'internal',
        `The NSFW model ${name} could not be loaded on the ${backend} backend: ${reason}`,
      );
    }
  }
}
