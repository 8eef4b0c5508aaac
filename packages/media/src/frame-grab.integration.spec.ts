import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createTestVideo } from '@mediaflow/testing';
import { runFfmpeg } from './ffmpeg-runner';
import { grabFrame } from './frame-grab';
import { probeMedia } from './probe';

/** Mean brightness of an image, 0..255, averaged over its colour channels. */
async function brightness(path: string): Promise<number> {
  const { channels } = await sharp(path).stats();
  const colour = channels.slice(0, 3);
  return colour.reduce((sum, channel) => sum + channel.mean, 0) / colour.length;
}

describe('grabFrame', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);
  const signal = new AbortController().signal;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-frame-'));
    // 1 s of black, then 2 s of test pattern: 10 % of it is all black.
    await createTestVideo(at('black-lead.mp4'), {
      blackLeadSeconds: 1,
      seconds: 2,
      width: 320,
      height: 240,
    });
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'color=black:size=320x240:rate=25:duration=2',
        '-pix_fmt',
        'yuv420p',
        at('all-black.mp4'),
      ],
      {
        signal,
        timeoutMs: 30_000,
      },
    );
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('picks a representative frame past a black opening', async () => {
    const { duration } = await probeMedia(at('black-lead.mp4'), { maxInputPixels: 1e8 });
    expect(duration).toBeCloseTo(3, 0);
    await grabFrame(at('black-lead.mp4'), at('representative.png'), {
      durationSeconds: duration,
      signal,
    });
    const meta = await sharp(at('representative.png')).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 320, height: 240 });
    expect(await brightness(at('representative.png'))).toBeGreaterThan(60);
  });

  it('takes the frame at the time asked for, black or not', async () => {
    await grabFrame(at('black-lead.mp4'), at('at-half-second.png'), {
      atSeconds: 0.5,
      durationSeconds: 3,
      signal,
    });
    expect(await brightness(at('at-half-second.png'))).toBeLessThan(10);
    await grabFrame(at('black-lead.mp4'), at('at-two-seconds.png'), {
      atSeconds: 2,
      durationSeconds: 3,
      signal,
    });
    expect(await brightness(at('at-two-seconds.png'))).toBeGreaterThan(60);
  });

  it('gives the last frame for a time at or past the end', async () => {
    await grabFrame(at('black-lead.mp4'), at('past-end.png'), {
      atSeconds: 500,
      durationSeconds: 3,
      signal,
    });
    expect(await sharp(at('past-end.png')).metadata()).toMatchObject({ width: 320, height: 240 });
    expect(await brightness(at('past-end.png'))).toBeGreaterThan(60);
  });

  it('still gives a frame of a video that is black throughout', async () => {
    await grabFrame(at('all-black.mp4'), at('all-black.png'), { durationSeconds: 2, signal });
    expect(await sharp(at('all-black.png')).metadata()).toMatchObject({
      format: 'png',
      width: 320,
    });
    expect(await brightness(at('all-black.png'))).toBeLessThan(10);
  });

  it('stops with cancelled when aborted', async () => {
    await expect(
      grabFrame(at('black-lead.mp4'), at('never.png'), {
        durationSeconds: 3,
        signal: AbortSignal.abort(),
      }),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});
