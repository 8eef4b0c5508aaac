/**
 * NSFW classification speed: images per second of each bundled nsfwjs model
 * on each TensorFlow.js backend that installs here (WASM and the pure-JS
 * cpu one; tfjs-node cannot: its install downloads libtensorflow), on the
 * same pictures, in one run, one backend after the other. Each picture is
 * decoded once to the model's input square beforehand, so the numbers are
 * the model's alone; the decode is timed on its own. A combination stops
 * early once it has spent BUDGET_SECONDS (the pure-JS backend takes half a
 * minute per picture on the largest model). Prints a table and writes the
 * same as JSON under bench/results/.
 *
 *   pnpm bench:nsfw [passes over the pictures] [models, comma-separated] [backends, comma-separated]
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Fixtures } from '@mediaflow/testing';
import {
  decodeModelInput,
  imageWorkerConfigSchema,
  NSFW_BACKENDS,
  NSFW_MODEL_NAMES,
  NSFW_MODELS,
  NsfwClassifier,
  type ModelInput,
  type NsfwBackend,
  type NsfwModelName,
} from '@mediaflow/worker-image';
import sharp from 'sharp';
import { writeResults } from './results';
import { median, percentile, table } from './stats';

const PASSES = Number(process.argv[2] ?? 4);
const MODELS = (process.argv[3]?.split(',') ?? NSFW_MODEL_NAMES) as NsfwModelName[];
const BACKENDS = (process.argv[4]?.split(',') ?? NSFW_BACKENDS) as NsfwBackend[];
const MAX_INPUT_PIXELS = 100_000_000;
/** Time one combination may take past its second picture. */
const BUDGET_SECONDS = 30;
const execFileAsync = promisify(execFile);

/** Eight different pictures: gradients, shapes, noise and frames of ffmpeg's test pattern. */
async function pictures(fixtures: Fixtures): Promise<string[]> {
  const svg = (body: string) =>
    Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="720">${body}</svg>`);
  const files: string[] = [];
  const gradients = [
    ['#1e3c72', '#2a9d8f'],
    ['#f4a261', '#e76f51'],
  ];
  for (const [i, [from, to]] of gradients.entries()) {
    const file = fixtures.path(`gradient-${i}.png`);
    await sharp(
      svg(
        `<defs><linearGradient id="g"><stop offset="0" stop-color="${from}"/><stop offset="1" stop-color="${to}"/></linearGradient></defs><rect width="1280" height="720" fill="url(#g)"/>`,
      ),
    ).toFile(file);
    files.push(file);
  }
  const shapes = fixtures.path('shapes.png');
  await sharp(
    svg(
      '<rect width="1280" height="720" fill="#f0f0f0"/><circle cx="400" cy="300" r="200" fill="#264653"/><rect x="760" y="340" width="360" height="300" fill="#e9c46a"/><polygon points="640,60 820,320 460,320" fill="#e76f51"/>',
    ),
  ).toFile(shapes);
  files.push(shapes);
  files.push(await fixtures.jpeg('noise.jpg', 1920, 1080));
  for (const at of [0.5, 2.7, 4.1, 7.9]) {
    const file = fixtures.path(`testsrc2-${at}.png`);
    await execFileAsync(process.env.FFMPEG_PATH?.trim() || 'ffmpeg', [
      ...[
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1280x720:rate=25:duration=10',
      ],
      ...['-ss', String(at), '-frames:v', '1', '-y', file],
    ]);
    files.push(file);
  }
  return files;
}

interface Measurement {
  backend: NsfwBackend;
  model: NsfwModelName;
  input: string;
  load_seconds: number;
  images: number;
  seconds: number;
  images_per_second: number;
  ms_per_image: { p50: number; max: number };
}

async function measure(
  backend: NsfwBackend,
  model: NsfwModelName,
  inputs: ModelInput[],
): Promise<Measurement> {
  const classifier = new NsfwClassifier({ backend, model });
  // The load includes nsfwjs's warm-up prediction, so the first image is not an outlier.
  const loadStart = performance.now();
  await classifier.load();
  const loadMs = performance.now() - loadStart;
  const times: number[] = [];
  const start = performance.now();
  const overBudget = () => times.length >= 2 && performance.now() - start > BUDGET_SECONDS * 1000;
  for (let pass = 0; pass < PASSES && !overBudget(); pass++) {
    for (const input of inputs) {
      if (overBudget()) break;
      const at = performance.now();
      await classifier.classify(input);
      times.push(performance.now() - at);
    }
  }
  const ms = performance.now() - start;
  await classifier.dispose();
  const size = NSFW_MODELS[model].size;
  return {
    backend,
    model,
    input: `${size}×${size}`,
    load_seconds: loadMs / 1000,
    images: times.length,
    seconds: ms / 1000,
    images_per_second: times.length / (ms / 1000),
    ms_per_image: { p50: median(times), max: Math.max(...times) },
  };
}

async function main(): Promise<void> {
  const fixtures = new Fixtures();
  try {
    const files = await pictures(fixtures);
    const sizes = [...new Set(MODELS.map((model) => NSFW_MODELS[model].size))];
    const inputs = new Map<number, ModelInput[]>();
    const decodeMs: number[] = [];
    for (const size of sizes) {
      const decoded: ModelInput[] = [];
      for (const file of files) {
        const at = performance.now();
        decoded.push(await decodeModelInput(file, size, MAX_INPUT_PIXELS));
        decodeMs.push(performance.now() - at);
      }
      inputs.set(size, decoded);
    }

    const runs: Measurement[] = [];
    for (const backend of BACKENDS) {
      for (const model of MODELS) {
        const run = await measure(backend, model, inputs.get(NSFW_MODELS[model].size)!);
        console.error(`${backend} ${model}: ${run.images_per_second.toFixed(2)} images/s`);
        runs.push(run);
      }
    }

    const defaults = imageWorkerConfigSchema.parse({});
    const results = {
      pictures: files.length,
      passes: PASSES,
      budget_seconds: BUDGET_SECONDS,
      defaults: { backend: defaults.MEDIAFLOW_NSFW_BACKEND, model: defaults.MEDIAFLOW_NSFW_MODEL },
      decode_ms: { p50: median(decodeMs), p99: percentile(decodeMs, 0.99) },
      runs,
    };
    console.log(
      table([
        ['backend', 'model', 'input', 'load s', 'images', 'images/s', 'p50 ms', 'max ms'],
        ...runs.map((run) => [
          run.backend,
          run.model,
          run.input,
          run.load_seconds.toFixed(2),
          run.images,
          run.images_per_second.toFixed(2),
          run.ms_per_image.p50.toFixed(0),
          run.ms_per_image.max.toFixed(0),
        ]),
      ]),
    );
    console.log(
      `\ndecoding a picture to the model's input with sharp: p50 ${results.decode_ms.p50.toFixed(1)} ms` +
        `\ndefaults: MEDIAFLOW_NSFW_BACKEND=${results.defaults.backend} MEDIAFLOW_NSFW_MODEL=${results.defaults.model}`,
    );
    console.log(`\nwrote ${writeResults('nsfw', results)}`);
  } finally {
    fixtures.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
