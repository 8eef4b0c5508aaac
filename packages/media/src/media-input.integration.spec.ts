import { execFile, spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { MediaflowError } from '@mediaflow/contracts';
import {
  createTestAudio,
  createTestVideo,
  writeConcatList,
  writeHlsPlaylist,
} from '@mediaflow/testing';
import { audioArgs } from './audio-args';
import { runFfmpeg } from './ffmpeg-runner';
import { FILE_PROTOCOL_ONLY } from './file-input-args';
import { frameAtArgs } from './frame-grab-args';
import { probeMedia } from './probe';
import { toolPaths } from './tool-paths';
import { videoTranscodeArgs } from './video-transcode-args';

const execFileAsync = promisify(execFile);
const LIMIT = 100_000_000;
/** Long enough for a real run, short enough that an open() blocked on the FIFO shows as a timeout. */
const TIMEOUT_MS = 15_000;
const REFUSED =
  'The file cannot be read as media: it is not in an audio, video or subtitle format mediaflow reads';

/**
 * Whether some process opens `fifo` for reading within `ms`: opening the
 * writing end without blocking fails (ENXIO) until a reader has it open.
 */
async function readerOpens(fifo: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
      // Closing at once: the reader sees an empty file and gives up.
      await handle.close();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return false;
}

// Item 8 of the hardening issue: a playlist must not make ffprobe or ffmpeg
// open the local files it names, and its refusal must not say whether they exist.
describe('media input restrictions (real ffmpeg and ffprobe)', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);
  const signal = new AbortController().signal;

  /**
   * Playlists of each kind naming: a media file that exists, a text file
   * that exists (/etc/hostname), a file that does not, and a FIFO that no
   * one writes, which would block any process that opened it. The concat
   * demuxer refuses absolute paths by itself (`safe`), so its lists name
   * files beside them, where it would open them.
   */
  const playlists = [
    ['hls', 'existing media', 'hls-existing.m3u8'],
    ['hls', 'an existing text file', 'hls-hostname.m3u8'],
    ['hls', 'a missing file', 'hls-missing.m3u8'],
    ['hls', 'a FIFO', 'hls-fifo.m3u8'],
    ['ffconcat', 'existing media', 'concat-existing.ffconcat'],
    ['ffconcat', 'a missing file', 'concat-missing.ffconcat'],
    ['ffconcat', 'a FIFO', 'concat-fifo.ffconcat'],
  ] as const;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-input-'));
    await Promise.all([
      createTestVideo(at('video.mp4'), { outputArgs: ['-preset', 'ultrafast'] }),
      createTestVideo(at('video.webm'), {
        outputArgs: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus'],
      }),
      createTestAudio(at('audio.mp3')),
      createTestAudio(at('audio.wav')),
      sharp({ create: { width: 40, height: 30, channels: 3, background: '#c03030' } })
        .png()
        .toFile(at('image.png')),
      sharp({ create: { width: 40, height: 30, channels: 3, background: '#c03030' } })
        .jpeg()
        .toFile(at('image.jpg')),
      execFileAsync('mkfifo', [at('pipe.mp4')]),
    ]);
    await Promise.all([
      writeHlsPlaylist(at('hls-existing.m3u8'), at('video.mp4')),
      writeHlsPlaylist(at('hls-hostname.m3u8'), '/etc/hostname'),
      writeHlsPlaylist(at('hls-missing.m3u8'), at('missing.mp4')),
      writeHlsPlaylist(at('hls-fifo.m3u8'), at('pipe.mp4')),
      writeConcatList(at('concat-existing.ffconcat'), 'video.mp4'),
      writeConcatList(at('concat-missing.ffconcat'), 'missing.mp4'),
      writeConcatList(at('concat-fifo.ffconcat'), 'pipe.mp4'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has a detector that works: without the demuxer list, ffprobe opens the file an HLS playlist names', async () => {
    // What the probe did before: `file:` only, any demuxer.
    const child = spawn(
      toolPaths().ffprobe,
      ['-v', 'error', ...FILE_PROTOCOL_ONLY, `file:${at('hls-fifo.m3u8')}`],
      { stdio: 'ignore' },
    );
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      expect(await readerOpens(at('pipe.mp4'), 10_000)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('probes every playlist to the same input_unreadable, opening nothing it names', async () => {
    const errors = await Promise.all(
      playlists.map(([, , name]) =>
        probeMedia(at(name), { maxInputPixels: LIMIT, timeoutMs: TIMEOUT_MS }).catch(
          (error: unknown) => error,
        ),
      ),
    );
    for (const error of errors) {
      // A probe that opened the FIFO would have hung until its timeout.
      expect(error).toBeInstanceOf(MediaflowError);
      expect((error as MediaflowError).toBody()).toEqual({
        code: 'input_unreadable',
        message: REFUSED,
      });
    }
  });

  it.each([
    [
      'a video transcode',
      (input: string, output: string) =>
        videoTranscodeArgs(input, output, {}, { width: 320, height: 240, has_audio: true }),
    ],
    ['an audio encode', (input: string, output: string) => audioArgs(input, output, {})],
    ['a frame grab', (input: string, output: string) => frameAtArgs(input, output, 0.5)],
  ])('refuses every playlist in %s with that same error, writing nothing', async (_what, args) => {
    for (const [kind, what, name] of playlists) {
      const output = at(`out-${name}.bin`);
      const error = await runFfmpeg(args(at(name), output), {
        signal,
        timeoutMs: TIMEOUT_MS,
      }).catch((e: unknown) => e);
      expect({ kind, what, error: (error as MediaflowError).toBody?.() }).toEqual({
        kind,
        what,
        error: { code: 'input_unreadable', message: REFUSED },
      });
      expect(existsSync(output)).toBe(false);
    }
  });

  it.each([
    ['video.mp4', 'video', 'mp4'],
    ['video.webm', 'video', 'webm'],
    ['audio.mp3', 'audio', 'mp3'],
    ['audio.wav', 'audio', 'wav'],
    ['image.png', 'image', 'png'],
    ['image.jpg', 'image', 'jpeg'],
  ])('still probes %s', async (name, kind, format) => {
    await expect(probeMedia(at(name), { maxInputPixels: LIMIT })).resolves.toMatchObject({
      kind,
      format,
    });
  });

  it.each(['video.mp4', 'video.webm'])('still transcodes %s', async (name) => {
    const output = at(`${name}.out.mp4`);
    await runFfmpeg(
      videoTranscodeArgs(
        at(name),
        output,
        { width: 160 },
        {
          width: 320,
          height: 240,
          has_audio: true,
        },
      ),
      { signal, timeoutMs: 60_000 },
    );
    await expect(probeMedia(output, { maxInputPixels: LIMIT })).resolves.toMatchObject({
      kind: 'video',
      width: 160,
      height: 120,
      has_audio: true,
    });
  });

  it.each(['audio.mp3', 'audio.wav', 'video.mp4'])(
    'still encodes the sound of %s',
    async (name) => {
      const output = at(`${name}.out.ogg`);
      await runFfmpeg(audioArgs(at(name), output, { format: 'ogg' }), {
        signal,
        timeoutMs: 60_000,
      });
      const properties = await probeMedia(output, { maxInputPixels: LIMIT });
      expect(properties).toMatchObject({ kind: 'audio', format: 'ogg' });
      expect(properties.duration).toBeCloseTo(2, 0);
    },
  );
});
