import { probeMedia } from '@mediaflow/media';
import { createTestVideo, Fixtures } from '@mediaflow/testing';
import sharp from 'sharp';
import { sampleFrame } from './video-frames';

/** Mean brightness of an image, 0..255. */
async function brightness(file: string): Promise<number> {
  const { channels } = await sharp(file).stats();
  return channels.slice(0, 3).reduce((sum, channel) => sum + channel.mean, 0) / 3;
}

describe('sampleFrame (real ffmpeg)', () => {
  const fixtures = new Fixtures();
  const signal = new AbortController().signal;
  let clip: string;
  let blackThenPattern: string;

  beforeAll(async () => {
    clip = fixtures.path('clip.mp4');
    await createTestVideo(clip, { seconds: 4, width: 640, height: 360, audio: false });
    // 2 s of black, then 2 s of test pattern.
    blackThenPattern = fixtures.path('black-lead.mp4');
    await createTestVideo(blackThenPattern, { seconds: 2, blackLeadSeconds: 2, audio: false });
  }, 60_000);
  afterAll(() => fixtures.remove());

  it('writes the frame at the time asked, at the model size', async () => {
    const out = fixtures.path('frame.png');
    await sampleFrame(clip, out, 1.5, { size: 224, signal });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'png', width: 224, height: 224 });
  });

  it('seeks exactly: a time in the black lead is black, one after it is not', async () => {
    await sampleFrame(blackThenPattern, fixtures.path('early.png'), 1, { size: 224, signal });
    await sampleFrame(blackThenPattern, fixtures.path('late.png'), 3, { size: 224, signal });
    expect(await brightness(fixtures.path('early.png'))).toBeLessThan(5);
    expect(await brightness(fixtures.path('late.png'))).toBeGreaterThan(60);
  });

  it('takes the last frame for a time past the end', async () => {
    const { duration } = await probeMedia(clip, { maxInputPixels: 1e8 });
    const out = fixtures.path('past-end.png');
    await sampleFrame(clip, out, duration! + 5, { size: 224, signal });
    // The fallback writes the frame at its own size; the decoder squashes it.
    expect(await sharp(out).metadata()).toMatchObject({ width: 640, height: 360 });
  });

  it('fails a file that is no video with input_unreadable', async () => {
    const text = fixtures.write('not-a-video.mp4', 'plain text');
    await expect(
      sampleFrame(text, fixtures.path('none.png'), 0, { size: 224, signal }),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
  });

  it('stops with cancelled when the task is', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      sampleFrame(clip, fixtures.path('cancelled.png'), 1, {
        size: 224,
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});
