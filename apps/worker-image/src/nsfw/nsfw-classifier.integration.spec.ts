import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { ModelInput } from './model-input';
import { NsfwClassifier } from './nsfw-classifier';
import { NSFW_CLASSES, type NsfwScores } from './nsfw-verdict';

/** A blue-to-teal gradient, already the model's square of RGB. */
async function gradient(size: number): Promise<ModelInput> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#1e3c72"/><stop offset="1" stop-color="#2a9d8f"/></linearGradient></defs>
    <rect width="${size}" height="${size}" fill="url(#g)"/></svg>`;
  const pixels = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer();
  return { size, pixels: new Uint8Array(pixels) };
}

const total = (scores: NsfwScores) => NSFW_CLASSES.reduce((sum, name) => sum + scores[name], 0);

// The real model on the real tfjs backends: a wrong load or wrong pixel
// layout shows as scores that do not favour the safe classes.
describe('NsfwClassifier (real model)', () => {
  const classifier = new NsfwClassifier({ backend: 'wasm', model: 'mobilenet_v2_mid' });
  let picture: ModelInput;

  beforeAll(async () => {
    picture = await gradient(224);
  });
  afterAll(() => classifier.dispose());

  it('scores every class, summing to 1, and finds a gradient safe', async () => {
    const scores = await classifier.classify(picture);
    expect(Object.keys(scores).sort()).toEqual([...NSFW_CLASSES].sort());
    expect(total(scores)).toBeCloseTo(1, 3);
    expect(scores.neutral + scores.drawing).toBeGreaterThan(0.9);
  });

  it('loads the model once, however many pictures and however they overlap', async () => {
    const before = classifier.loads;
    const fresh = new NsfwClassifier({ backend: 'wasm', model: 'mobilenet_v2_mid' });
    await Promise.all([fresh.classify(picture), fresh.classify(picture), fresh.load()]);
    await fresh.classify(picture);
    expect(fresh.loads).toBe(1);
    await fresh.dispose();
    expect(classifier.loads).toBe(before);
  });

  it('refuses a picture that is not its square', async () => {
    await expect(classifier.classify(await gradient(100))).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('224×224'),
    });
  });

  it('fails a model it cannot find with internal, saying which, and tries again next time', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'no-models-'));
    const broken = new NsfwClassifier({ backend: 'wasm', model: 'mobilenet_v2', modelsDir: empty });
    try {
      await expect(broken.classify(picture)).rejects.toMatchObject({
        code: 'internal',
        message: expect.stringMatching(
          /^The NSFW model mobilenet_v2 could not be loaded on the wasm backend: /,
        ),
      });
      await expect(broken.load()).rejects.toMatchObject({ code: 'internal' });
      expect(broken.loads).toBe(2);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('runs every bundled model, each at its own input size', async () => {
    for (const model of ['mobilenet_v2', 'inception_v3'] as const) {
      const other = new NsfwClassifier({ backend: 'wasm', model });
      const scores = await other.classify(await gradient(other.inputSize));
      expect(total(scores)).toBeCloseTo(1, 3);
      expect(scores.porn + scores.hentai).toBeLessThan(0.1);
      await other.dispose();
    }
  }, 120_000);

  // Last: tfjs has one active backend per process.
  it('gives the same scores on the pure-JS cpu backend', async () => {
    const onWasm = await classifier.classify(picture);
    const cpu = new NsfwClassifier({ backend: 'cpu', model: 'mobilenet_v2_mid' });
    const onCpu = await cpu.classify(picture);
    for (const name of NSFW_CLASSES) expect(onCpu[name]).toBeCloseTo(onWasm[name], 2);
    await cpu.dispose();
  }, 120_000);
});
