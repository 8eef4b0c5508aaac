import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestVideo } from '@mediaflow/testing';
import { encodeMediaFile, outputPercent } from './media-encode';
import { videoTranscodeArgs } from './video-transcode-args';

describe('encodeMediaFile', () => {
  let dir: string;
  let clip: string;
  const base = { timeoutMs: 60_000, maxInputPixels: 100_000_000 };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-encode-'));
    clip = join(dir, 'clip.mp4');
    await createTestVideo(clip, {
      seconds: 2,
      width: 320,
      height: 180,
      outputArgs: ['-preset', 'ultrafast'],
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('encodes, reports rising percentages up to 100, and returns the probed output', async () => {
    const output = join(dir, 'small.mp4');
    const percents: number[] = [];
    const properties = await encodeMediaFile(
      videoTranscodeArgs(
        clip,
        output,
        { width: 160 },
        { width: 320, height: 180, has_audio: true },
      ),
      output,
      {
        ...base,
        signal: new AbortController().signal,
        expectedSeconds: 2,
        onPercent: (p) => percents.push(p),
      },
    );
    expect(properties).toMatchObject({
      kind: 'video',
      format: 'mp4',
      width: 160,
      height: 90,
      has_audio: true,
    });
    expect(percents.length).toBeGreaterThan(0);
    for (let i = 1; i < percents.length; i++)
      expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(percents.at(-1)).toBeCloseTo(100, 0);
  });

  it('removes the file ffmpeg had begun when the encoder fails', async () => {
    const output = join(dir, 'tiny.mp4');
    // SVT-AV1 opens the output, then refuses a 32×18 frame.
    const args = [
      '-i',
      `file:${clip}`,
      '-vf',
      'scale=32:18',
      '-c:v',
      'libsvtav1',
      '-an',
      '-y',
      `file:${output}`,
    ];
    await expect(
      encodeMediaFile(args, output, {
        ...base,
        signal: new AbortController().signal,
        expectedSeconds: 2,
      }),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
    expect(existsSync(output)).toBe(false);
  });

  it('removes an output the prober cannot read', async () => {
    const output = join(dir, 'nothing.mp4');
    // A trim past the end: ffmpeg succeeds, writing a file without a frame.
    const args = [
      '-ss',
      '30',
      '-i',
      `file:${clip}`,
      '-c:v',
      'libx264',
      '-an',
      '-y',
      `file:${output}`,
    ];
    await expect(
      encodeMediaFile(args, output, {
        ...base,
        signal: new AbortController().signal,
        expectedSeconds: 2,
      }),
    ).rejects.toMatchObject({ code: 'input_unreadable' });
    expect(existsSync(output)).toBe(false);
  });

  it('removes an output its check refuses', async () => {
    const output = join(dir, 'refused.mp4');
    const args = ['-i', `file:${clip}`, '-vn', '-c:a', 'aac', '-y', `file:${output}`];
    await expect(
      encodeMediaFile(args, output, {
        ...base,
        signal: new AbortController().signal,
        expectedSeconds: 2,
        check: (properties) => {
          if (!properties.has_video) throw new Error('no video');
        },
      }),
    ).rejects.toThrow('no video');
    expect(existsSync(output)).toBe(false);
  });

  it('stops ffmpeg on abort, rejects with cancelled and removes the partial file', async () => {
    const output = join(dir, 'long.mp4');
    const controller = new AbortController();
    const args = [
      '-re',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=160x90:rate=25:duration=60',
      '-c:v',
      'libx264',
      '-y',
      `file:${output}`,
    ];
    await expect(
      encodeMediaFile(args, output, {
        ...base,
        signal: controller.signal,
        expectedSeconds: 60,
        onPercent: () => controller.abort(),
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(output)).toBe(false);
  });

  it.each([
    [1, 4, 25],
    [4, 4, 100],
    [4.04, 4, 100],
    [1, null, null],
    [1, 0, null],
  ])('%s s of %s s is %s %', (seconds, expected, percent) => {
    expect(outputPercent(seconds, expected)).toBe(percent);
  });
});
