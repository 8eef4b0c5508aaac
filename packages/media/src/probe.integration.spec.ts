import { deflateSync } from 'node:zlib';
import { chmod, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createTestAudio, createTestVideo } from '@mediaflow/testing';
import { listChildProcesses } from './child-reaper';
import { runFfmpeg } from './ffmpeg-runner';
import { probeMedia } from './probe';

const LIMIT = 100_000_000;
const probe = (path: string) => probeMedia(path, { maxInputPixels: LIMIT });

/** A PNG whose header claims width × height; its pixel data is a few bytes. */
function pngHeaderBomb(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (data: Buffer) => {
    let crc = 0xffffffff;
    for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('probeMedia', () => {
  let dir: string;
  const at = (name: string) => join(dir, name);
  const savedProbe = process.env.FFPROBE_PATH;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mediaflow-probe-'));
    await Promise.all([
      createTestVideo(at('video.mp4')),
      createTestVideo(at('silent-ntsc.mp4'), { fps: '30000/1001', audio: false }),
      createTestVideo(at('video.webm'), {
        outputArgs: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-c:a', 'libopus'],
      }),
      createTestVideo(at('video.mkv'), { audio: false }),
      createTestVideo(at('video.mov'), { audio: false }),
      createTestAudio(at('audio.mp3')),
      createTestAudio(at('audio.wav')),
      createTestAudio(at('audio.m4a')),
      createTestAudio(at('audio.flac')),
      createTestAudio(at('audio.ogg'), { outputArgs: ['-c:a', 'libvorbis'] }),
    ]);
    // Cover art: a JPEG attached to an mp3 is still an mp3.
    await runFfmpeg(
      [
        '-i',
        at('audio.mp3'),
        '-f',
        'lavfi',
        '-i',
        'color=red:size=64x64:rate=1:duration=1',
        '-map',
        '0',
        '-map',
        '1',
        '-frames:v',
        '1',
        '-c:a',
        'copy',
        '-c:v',
        'mjpeg',
        '-disposition:v',
        'attached_pic',
        '-y',
        at('cover.mp3'),
      ],
      { signal: new AbortController().signal, timeoutMs: 30_000 },
    );
    // A phone-style video: stored 320×240, shown rotated a quarter turn.
    await runFfmpeg(
      [
        '-i',
        at('video.mp4'),
        '-c',
        'copy',
        '-metadata:s:v:0',
        'rotate=90',
        '-y',
        at('rotated.mp4'),
      ],
      {
        signal: new AbortController().signal,
        timeoutMs: 30_000,
      },
    );
    const colour = { r: 200, g: 30, b: 30 };
    await sharp({
      create: { width: 64, height: 48, channels: 4, background: { ...colour, alpha: 0.5 } },
    })
      .png()
      .toFile(at('alpha.png'));
    await sharp({ create: { width: 80, height: 60, channels: 3, background: colour } })
      .jpeg()
      .toFile(at('photo.jpg'));
    await sharp({ create: { width: 80, height: 60, channels: 3, background: colour } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toFile(at('portrait.jpg'));
    await sharp({ create: { width: 50, height: 40, channels: 3, background: colour } })
      .webp()
      .toFile(at('image.webp'));
    await sharp({ create: { width: 50, height: 40, channels: 3, background: colour } })
      .avif()
      .toFile(at('image.avif'));
    await sharp({ create: { width: 50, height: 40, channels: 3, background: colour } })
      .gif()
      .toFile(at('image.gif'));
    await writeFile(
      at('captions.vtt'),
      'WEBVTT\n\n00:00.000 --> 00:01.500\nHello there\n\n00:01.500 --> 00:03.000\nGeneral Kenobi\n',
    );
    await writeFile(at('captions.srt'), '1\n00:00:00,000 --> 00:00:01,500\nHello there\n');
    await writeFile(at('empty.mp4'), '');
    await writeFile(at('notes.txt'), 'Meeting notes\nNothing here is media.\n');
    await writeFile(at('bomb.png'), pngHeaderBomb(30_000, 30_000));
  }, 120_000);

  afterEach(() => {
    if (savedProbe === undefined) delete process.env.FFPROBE_PATH;
    else process.env.FFPROBE_PATH = savedProbe;
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a 2 s testsrc2 + sine mp4 as a video with sound', async () => {
    const properties = await probe(at('video.mp4'));
    expect(properties).toEqual({
      kind: 'video',
      mimetype: 'video/mp4',
      format: 'mp4',
      width: 320,
      height: 240,
      duration: expect.any(Number),
      fps: 25,
      filesize: (await stat(at('video.mp4'))).size,
      has_audio: true,
      has_video: true,
      language: null,
    });
    expect(properties.duration).toBeCloseTo(2, 1);
  });

  it('reads a silent NTSC-rate video: fps 29.97, no audio', async () => {
    const properties = await probe(at('silent-ntsc.mp4'));
    expect(properties).toMatchObject({
      kind: 'video',
      fps: 29.97,
      has_audio: false,
      has_video: true,
    });
    expect(properties.duration).toBeCloseTo(2, 1);
  });

  it.each([
    ['video.webm', 'webm', 'video/webm', true],
    ['video.mkv', 'mkv', 'video/x-matroska', false],
    ['video.mov', 'mov', 'video/quicktime', false],
  ])('tells the container of %s', async (name, format, mimetype, hasAudio) => {
    const properties = await probe(at(name));
    expect(properties).toMatchObject({
      kind: 'video',
      format,
      mimetype,
      width: 320,
      height: 240,
      fps: 25,
      has_audio: hasAudio,
    });
    expect(properties.duration).toBeCloseTo(2, 1);
  });

  it('gives the displayed size of a rotated video', async () => {
    await expect(probe(at('rotated.mp4'))).resolves.toMatchObject({
      kind: 'video',
      width: 240,
      height: 320,
    });
  });

  it.each([
    ['audio.mp3', 'mp3', 'audio/mpeg'],
    ['audio.wav', 'wav', 'audio/wav'],
    ['audio.m4a', 'm4a', 'audio/mp4'],
    ['audio.flac', 'flac', 'audio/flac'],
    ['audio.ogg', 'ogg', 'audio/ogg'],
    ['cover.mp3', 'mp3', 'audio/mpeg'],
  ])('reads %s as audio', async (name, format, mimetype) => {
    const properties = await probe(at(name));
    expect(properties).toMatchObject({
      kind: 'audio',
      format,
      mimetype,
      width: null,
      height: null,
      fps: null,
      has_audio: true,
      has_video: false,
    });
    expect(properties.duration).toBeCloseTo(2, 0);
  });

  it.each([
    ['alpha.png', 'png', 'image/png', 64, 48],
    ['photo.jpg', 'jpeg', 'image/jpeg', 80, 60],
    ['portrait.jpg', 'jpeg', 'image/jpeg', 60, 80],
    ['image.webp', 'webp', 'image/webp', 50, 40],
    ['image.avif', 'avif', 'image/avif', 50, 40],
    ['image.gif', 'gif', 'image/gif', 50, 40],
  ])('reads %s as an image with sharp', async (name, format, mimetype, width, height) => {
    await expect(probe(at(name))).resolves.toEqual({
      kind: 'image',
      format,
      mimetype,
      width,
      height,
      duration: null,
      fps: null,
      filesize: (await stat(at(name))).size,
      has_audio: false,
      has_video: false,
      language: null,
    });
  });

  it('reads WebVTT and SRT files as tracks', async () => {
    await expect(probe(at('captions.vtt'))).resolves.toMatchObject({
      kind: 'track',
      format: 'vtt',
      mimetype: 'text/vtt',
      width: null,
      has_video: false,
    });
    await expect(probe(at('captions.srt'))).resolves.toMatchObject({
      kind: 'track',
      format: 'srt',
      mimetype: 'application/x-subrip',
    });
  });

  it('refuses an empty file, a text file and a missing file as input_unreadable', async () => {
    await expect(probe(at('empty.mp4'))).rejects.toMatchObject({
      code: 'input_unreadable',
      message: 'The file is empty',
    });
    const text = (await probe(at('notes.txt')).catch((e: Error) => e)) as Error;
    expect(text).toMatchObject({
      code: 'input_unreadable',
      message: expect.stringContaining('Invalid data found when processing input'),
    });
    // The message reaches API clients: no server paths in it.
    expect(text.message).not.toContain(dir);
    await expect(probe(at('missing.mp4'))).rejects.toMatchObject({ code: 'input_unreadable' });
  });

  it('refuses an mp4 cut in half (its index is at the end) as input_unreadable', async () => {
    const cut = at('truncated.mp4');
    await writeFile(cut, await readFile(at('video.mp4')));
    await truncate(cut, Math.floor((await stat(cut)).size / 2));
    await expect(probe(cut)).rejects.toMatchObject({
      code: 'input_unreadable',
      message: expect.stringContaining('moov atom not found'),
    });
  });

  it('refuses playlists, fetching nothing they name', async () => {
    const segment = (uri: string) =>
      `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n${uri}\n#EXT-X-ENDLIST\n`;
    await writeFile(at('remote.m3u8'), segment('http://127.0.0.1:9/segment.ts'));
    await writeFile(at('local.m3u8'), segment(at('video.mp4')));
    // Refused as soon as the playlist is recognised, before a URL or path in it is looked at
    // (media-input.integration.spec has the files that exist, those that do not, and a FIFO).
    const refused = {
      code: 'input_unreadable',
      message:
        'The file cannot be read as media: it is not in an audio, video or subtitle format mediaflow reads',
    };
    await expect(probe(at('remote.m3u8'))).rejects.toMatchObject(refused);
    await expect(probe(at('local.m3u8'))).rejects.toMatchObject(refused);
  });

  it('refuses a decompression bomb from its header alone as input_too_large', async () => {
    expect((await stat(at('bomb.png'))).size).toBeLessThan(60_000);
    await expect(probe(at('bomb.png'))).rejects.toMatchObject({ code: 'input_too_large' });
    // The limit is the configured one, not sharp's default.
    await expect(
      probeMedia(at('photo.jpg'), { maxInputPixels: 80 * 60 - 1 }),
    ).rejects.toMatchObject({ code: 'input_too_large' });
    await expect(probeMedia(at('photo.jpg'), { maxInputPixels: 80 * 60 })).resolves.toMatchObject({
      kind: 'image',
    });
  });

  it('kills ffprobe and rejects with timeout when it hangs', async () => {
    // A stand-in ffprobe that blocks reading its stdin, which nobody writes.
    const hanging = at('hanging-ffprobe');
    await writeFile(hanging, '#!/bin/sh\nread line\n');
    await chmod(hanging, 0o755);
    process.env.FFPROBE_PATH = hanging;
    await expect(
      probeMedia(at('video.mp4'), { maxInputPixels: LIMIT, timeoutMs: 500 }),
    ).rejects.toMatchObject({ code: 'timeout' });
    const left = (await listChildProcesses()).filter((child) => child.argv.includes(hanging));
    expect(left).toEqual([]);
  });

  it('says ffprobe is missing rather than blaming the file', async () => {
    process.env.FFPROBE_PATH = at('no-such-ffprobe');
    await expect(probe(at('video.mp4'))).rejects.toMatchObject({ code: 'internal' });
  });
});
