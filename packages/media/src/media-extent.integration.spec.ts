import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createTestAudio,
  createTestVideo,
  createTruncatedCopy,
  runFixtureFfmpeg,
} from '@mediaflow/testing';
import { audioArgs } from './audio-args';
import { extentCutShort } from './cut-short';
import { encodeMediaFile } from './media-encode';
import { assertNotCutShort, readMediaExtent } from './media-extent';
import { probeMedia } from './probe';
import { videoTranscodeArgs, type VideoTranscodeOptions } from './video-transcode-args';

const LIMIT = 100_000_000;
/** What an interrupted upload keeps of a file in these tests. */
const KEPT = 0.4;
const CUT_SHORT = /^Read (\d+\.\d) s of the 4\.0 s the file declares: it is cut short$/;

// Item 12 of the hardening issue: media whose data stops before the
// duration it declares, on files made here and cut to 40 % of their bytes.
describe('media cut short (real ffmpeg and ffprobe)', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);
  const signal = new AbortController().signal;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-extent-'));
    await Promise.all([
      createTestVideo(at('whole.mp4'), {
        seconds: 4,
        outputArgs: ['-preset', 'ultrafast', '-movflags', '+faststart'],
      }),
      createTestAudio(at('whole.m4a'), {
        seconds: 4,
        outputArgs: ['-c:a', 'aac', '-movflags', '+faststart'],
      }),
      createTestAudio(at('whole.wav'), { seconds: 4 }),
      createTestAudio(at('whole.mp3'), { seconds: 4 }),
      // Raw AAC declares no duration: ffprobe estimates one from the bitrate.
      createTestAudio(at('whole.aac'), { seconds: 4 }),
      // 2 s of picture, 4 s of sound: a video without its sound is 2 s long, and whole.
      runFixtureFfmpeg([
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=320x240:rate=25:duration=2',
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=4',
        '-pix_fmt',
        'yuv420p',
        '-preset',
        'ultrafast',
        '-movflags',
        '+faststart',
        '-y',
        at('long-sound.mp4'),
      ]),
    ]);
    await Promise.all(
      ['mp4', 'm4a', 'mp3', 'wav', 'aac'].map((ext) =>
        createTruncatedCopy(at(`whole.${ext}`), at(`cut.${ext}`), KEPT),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['mp4', 'm4a', 'mp3'])(
    'a %s cut to 40 per cent still probes as 4 s, and is found to hold less than half of it',
    async (ext) => {
      const probed = await probeMedia(at(`cut.${ext}`), { maxInputPixels: LIMIT });
      expect(probed.duration).toBeCloseTo(4, 0);
      const error = await assertNotCutShort(at(`cut.${ext}`), {
        declaredSeconds: probed.duration!,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'input_unreadable',
        message: expect.stringMatching(CUT_SHORT),
      });
      const read = Number(CUT_SHORT.exec((error as Error).message)![1]);
      expect(read).toBeGreaterThan(1);
      expect(read).toBeLessThan(2.2);
    },
  );

  it.each(['whole.mp4', 'whole.m4a', 'whole.wav', 'whole.mp3', 'long-sound.mp4'])(
    'finds %s whole',
    async (name) => {
      const probed = await probeMedia(at(name), { maxInputPixels: LIMIT });
      const extent = await readMediaExtent(at(name), { declaredSeconds: probed.duration! });
      expect(extent).not.toBeNull();
      expect(extent!.reached).toBeCloseTo(extent!.declared, 0);
      expect(extentCutShort(extent!)).toBe(false);
      await expect(
        assertNotCutShort(at(name), { declaredSeconds: probed.duration! }),
      ).resolves.toBeUndefined();
    },
  );

  it('cannot tell of raw AAC or a cut WAV, whose durations ffprobe estimates, and so refuses nothing', async () => {
    // ffmpeg trusts a WAV header's data size only as far as the file goes: a cut WAV is
    // simply a shorter file, which no check can tell from one recorded that long.
    const cutWav = await probeMedia(at('cut.wav'), { maxInputPixels: LIMIT });
    expect(cutWav.duration).toBeCloseTo(1.6, 1);
    for (const name of ['whole.aac', 'cut.aac', 'cut.wav']) {
      await expect(readMediaExtent(at(name), { declaredSeconds: 4 })).resolves.toBeNull();
      await expect(assertNotCutShort(at(name), { declaredSeconds: 4 })).resolves.toBeUndefined();
    }
  });

  describe('encodeMediaFile with its source', () => {
    const video = (input: string, output: string, options: VideoTranscodeOptions = {}) =>
      videoTranscodeArgs(input, output, options, { width: 320, height: 240, has_audio: true });
    const encode = (args: string[], output: string, source: string, expectedSeconds: number) =>
      encodeMediaFile(args, output, {
        signal,
        timeoutMs: 60_000,
        expectedSeconds,
        maxInputPixels: LIMIT,
        source: { path: source, declaredSeconds: 4, ranged: expectedSeconds < 4 },
      });

    it('fails a video cut short, saying how much was decoded, and removes the output', async () => {
      const output = at('from-cut.mp4');
      const error = await encode(video(at('cut.mp4'), output), output, at('cut.mp4'), 4).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        code: 'input_unreadable',
        message: expect.stringMatching(
          /^Decoded 1\.\d s of the 4\.0 s the file declares: it is cut short$/,
        ),
      });
      expect(existsSync(output)).toBe(false);
    });

    it('fails the sound of a file cut short, and says so of a trimmed range', async () => {
      const output = at('from-cut.mp3');
      await expect(
        encode(audioArgs(at('cut.m4a'), output, {}), output, at('cut.m4a'), 4),
      ).rejects.toMatchObject({
        code: 'input_unreadable',
        message: expect.stringMatching(
          /^Decoded 1\.\d s of the 4\.0 s the file declares: it is cut short$/,
        ),
      });
      await expect(
        encode(
          audioArgs(at('cut.m4a'), output, { start: 0.5, end: 3.5 }),
          output,
          at('cut.m4a'),
          3,
        ),
      ).rejects.toMatchObject({
        code: 'input_unreadable',
        message: expect.stringMatching(
          /^Decoded 1\.\d s of the 3\.0 s asked for: the file is cut short$/,
        ),
      });
      expect(existsSync(output)).toBe(false);
    });

    it('passes a whole file, and a video shorter than its soundtrack without the sound', async () => {
      const output = at('from-whole.mp4');
      const whole = await encode(video(at('whole.mp4'), output), output, at('whole.mp4'), 4);
      expect(whole.duration).toBeCloseTo(4, 0);
      // Expected as long as the container (4 s); 2 s come out, and the input is whole.
      const silent = at('from-long-sound.mp4');
      const picture = await encode(
        video(at('long-sound.mp4'), silent, { audio: false }),
        silent,
        at('long-sound.mp4'),
        4,
      );
      expect(picture.duration).toBeCloseTo(2, 0);
    });
  });
});
