import { fork } from 'node:child_process';
import path from 'node:path';
import { MediaflowError } from '@mediaflow/contracts';
import { listChildProcesses } from '@mediaflow/media';
import { Fixtures } from '@mediaflow/testing';
import sharp from 'sharp';
import { imagePlan, type ImageOptions } from './image-plan';
import { ImageRepository } from './image.repository';
import { RENDER_APART_SECONDS, renderSeconds } from './render-cost';

// The render process as the worker runs it: built (pnpm build), from dist.
const MAIN = path.join(__dirname, '..', '..', 'dist', 'image', 'render-process-main.js');

async function renderProcesses(): Promise<number[]> {
  return (await listChildProcesses())
    .filter((child) => child.argv.some((arg) => arg.endsWith('render-process-main.js')))
    .map((child) => child.pid);
}

describe('long renders, in a process of their own (real sharp)', () => {
  const fixtures = new Fixtures();
  const images = new ImageRepository(100_000_000, MAIN);
  let detailed: string;

  beforeAll(async () => {
    // Blurred noise: much detail, the slow case of every encoder.
    detailed = fixtures.path('detailed.png');
    await sharp({
      create: {
        width: 3000,
        height: 3000,
        channels: 3,
        background: '#808080',
        noise: { type: 'gaussian', mean: 128, sigma: 50 },
      },
    })
      .blur(1.2)
      .png({ compressionLevel: 1 })
      .toFile(detailed);
  });
  afterAll(() => fixtures.remove());

  const planFor = (options: ImageOptions) =>
    imagePlan(options, { kind: 'image', format: 'png' }, null);

  it('makes what the worker would make', async () => {
    const plan = planFor({ width: 800, format: 'avif' });
    expect(renderSeconds({ width: 3000, height: 3000 }, plan)).toBeGreaterThan(
      RENDER_APART_SECONDS,
    );
    const output = fixtures.path('out.avif');
    await images.render(detailed, output, plan, new AbortController().signal);
    expect(await images.inspect(output)).toEqual({ format: 'avif', width: 800, height: 800 });
    expect(await renderProcesses()).toEqual([]);
  });

  it('stops the moment it is cancelled, its process gone', async () => {
    // 9 megapixels to AVIF: about 20 s of a core.
    const plan = planFor({ format: 'avif' });
    const abort = new AbortController();
    const rendering = images.render(detailed, fixtures.path('whole.avif'), plan, abort.signal);
    rendering.catch(() => undefined);
    let running: number[] = [];
    for (let i = 0; i < 100 && running.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      running = await renderProcesses();
    }
    expect(running).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cancelledAt = Date.now();
    abort.abort(new MediaflowError('cancelled', 'The task was cancelled'));
    await expect(rendering).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - cancelledAt).toBeLessThan(1000);
    expect(await renderProcesses()).toEqual([]);
  });

  it('blames damaged input as the worker does: input_unreadable, not internal', async () => {
    const png = fixtures.bytes('detailed.png');
    const damaged = Buffer.from(png);
    damaged.fill(0xa5, Math.floor(png.length / 2), Math.floor(png.length / 2) + 64);
    const input = fixtures.write('damaged.png', damaged);
    await expect(
      images.render(
        input,
        fixtures.path('d.avif'),
        planFor({ width: 800, format: 'avif' }),
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({
      code: 'input_unreadable',
      message: expect.stringContaining('libpng read error'),
    });
  });

  it('ends when the worker does (its IPC channel closes)', async () => {
    const child = fork(MAIN, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise((resolve) => child.once('spawn', resolve));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.disconnect();
    await expect(exited).resolves.toBe(1);
  });
});
