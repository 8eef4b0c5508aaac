import {
  classifyProbe,
  frameRate,
  imageProperties,
  type ProbedMedia,
  type ProbedStream,
} from './probe-classification';

const MP4 = 'mov,mp4,m4a,3gp,3g2,mj2';
const h264: ProbedStream = {
  codec_type: 'video',
  codec_name: 'h264',
  width: 1920,
  height: 1080,
  duration: 10,
  nb_frames: 250,
  avg_frame_rate: '25/1',
};
const aac: ProbedStream = { codec_type: 'audio', codec_name: 'aac', duration: 10 };
const media = (
  format_name: string,
  streams: ProbedStream[],
  extra: Partial<ProbedMedia['format']> = {},
): ProbedMedia => ({
  format: { format_name, duration: 10, ...extra },
  streams,
});

describe('classifyProbe', () => {
  it.each([
    [
      'mp4 (isom)',
      media(MP4, [h264, aac], { tags: { major_brand: 'isom' } }),
      'video',
      'mp4',
      'video/mp4',
    ],
    [
      'mov (qt)',
      media(MP4, [h264], { tags: { major_brand: 'qt  ' } }),
      'video',
      'mov',
      'video/quicktime',
    ],
    ['3gp', media(MP4, [h264], { tags: { major_brand: '3gp5' } }), 'video', '3gp', 'video/3gpp'],
    ['m4a', media(MP4, [aac], { tags: { major_brand: 'M4A ' } }), 'audio', 'm4a', 'audio/mp4'],
    [
      'webm',
      media('matroska,webm', [
        { ...h264, codec_name: 'vp9' },
        { ...aac, codec_name: 'opus' },
      ]),
      'video',
      'webm',
      'video/webm',
    ],
    [
      'mkv',
      media('matroska,webm', [h264, { ...aac, codec_name: 'opus' }]),
      'video',
      'mkv',
      'video/x-matroska',
    ],
    [
      'webm audio',
      media('matroska,webm', [{ ...aac, codec_name: 'vorbis' }]),
      'audio',
      'webm',
      'audio/webm',
    ],
    ['opus', media('ogg', [{ ...aac, codec_name: 'opus' }]), 'audio', 'opus', 'audio/ogg'],
    ['ogg vorbis', media('ogg', [{ ...aac, codec_name: 'vorbis' }]), 'audio', 'ogg', 'audio/ogg'],
    ['aac', media('aac', [aac]), 'audio', 'aac', 'audio/aac'],
    ['mpegts', media('mpegts', [h264, aac]), 'video', 'ts', 'video/mp2t'],
    ['avi', media('avi', [h264]), 'video', 'avi', 'video/x-msvideo'],
  ])('%s', (_name, probe, kind, format, mimetype) => {
    expect(classifyProbe(probe)).toMatchObject({ kind, format, mimetype });
  });

  it('does not call cover art or a single still frame a video', () => {
    const cover: ProbedStream = {
      codec_type: 'video',
      codec_name: 'mjpeg',
      width: 500,
      height: 500,
      duration: 10,
      disposition: { attached_pic: 1 },
    };
    expect(classifyProbe(media('mp3', [{ ...aac, codec_name: 'mp3' }, cover]))).toMatchObject({
      kind: 'audio',
      has_video: false,
      width: null,
    });
    const still: ProbedStream = {
      codec_type: 'video',
      codec_name: 'png',
      width: 500,
      height: 500,
      nb_frames: 1,
    };
    expect(classifyProbe(media(MP4, [still, aac]))).toMatchObject({ kind: 'audio' });
    expect(() => classifyProbe(media(MP4, [still]))).toThrow(
      expect.objectContaining({
        code: 'input_unreadable',
        message: expect.stringContaining('still picture'),
      }),
    );
    // Motion JPEG is a video all the same.
    const mjpeg: ProbedStream = { ...h264, codec_name: 'mjpeg', nb_frames: 250 };
    expect(classifyProbe(media('avi', [mjpeg]))).toMatchObject({ kind: 'video', width: 1920 });
  });

  it('needs a duration for a video: a picture stream without one is no video', () => {
    const noDuration = media(MP4, [{ ...h264, duration: 'N/A' }], { duration: 'N/A' });
    expect(() => classifyProbe(noDuration)).toThrow(
      expect.objectContaining({ code: 'input_unreadable' }),
    );
  });

  it('reads Matroska stream durations from their DURATION tag', () => {
    const stream = { ...h264, duration: 'N/A', tags: { DURATION: '00:01:02.500000000' } };
    expect(classifyProbe(media('matroska,webm', [stream], { duration: 'N/A' }))).toMatchObject({
      kind: 'video',
      duration: 62.5,
    });
  });

  it('swaps width and height of a quarter-turned video', () => {
    expect(classifyProbe(media(MP4, [{ ...h264, rotation: -90 }]))).toMatchObject({
      width: 1080,
      height: 1920,
    });
    expect(classifyProbe(media(MP4, [{ ...h264, tags: { rotate: '270' } }]))).toMatchObject({
      width: 1080,
      height: 1920,
    });
    expect(classifyProbe(media(MP4, [{ ...h264, rotation: 180 }]))).toMatchObject({
      width: 1920,
      height: 1080,
    });
  });

  it('refuses containers it does not accept and images ffprobe found but sharp could not read', () => {
    for (const format of ['hls', 'concat', 'tty', 'lrc']) {
      expect(() => classifyProbe(media(format, [h264, aac]))).toThrow(
        expect.objectContaining({ code: 'input_unreadable' }),
      );
    }
    expect(() =>
      classifyProbe(
        media('bmp_pipe', [{ codec_type: 'video', codec_name: 'bmp', width: 10, height: 10 }]),
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'input_unreadable',
        message: expect.stringContaining('(bmp)'),
      }),
    );
    expect(() =>
      classifyProbe(media('microdvd', [{ codec_type: 'subtitle', codec_name: 'microdvd' }])),
    ).toThrow(expect.objectContaining({ code: 'input_unreadable' }));
    expect(() => classifyProbe(media('wav', []))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('no audio or video') }),
    );
  });
});

describe('frameRate', () => {
  it.each([
    ['30000/1001', 29.97],
    ['24000/1001', 23.976],
    ['25/1', 25],
    ['60000/1001', 59.94],
    ['0/0', null],
    ['N/A', null],
    [undefined, null],
  ])('%s → %s', (rate, fps) => {
    expect(frameRate(rate)).toBe(fps);
  });
});

describe('imageProperties', () => {
  it('uses the oriented size, one page of an animation, and tells AVIF from other HEIF', () => {
    expect(
      imageProperties({
        format: 'jpeg',
        width: 4000,
        height: 3000,
        autoOrient: { width: 3000, height: 4000 },
      }),
    ).toMatchObject({
      width: 3000,
      height: 4000,
      mimetype: 'image/jpeg',
    });
    expect(
      imageProperties({ format: 'gif', width: 100, height: 1000, pageHeight: 100 }),
    ).toMatchObject({ width: 100, height: 100 });
    expect(
      imageProperties({ format: 'heif', compression: 'av1', width: 1, height: 1 }),
    ).toMatchObject({ format: 'avif', mimetype: 'image/avif' });
    expect(
      imageProperties({ format: 'heif', compression: 'hevc', width: 1, height: 1 }),
    ).toMatchObject({ format: 'heif', mimetype: 'image/heif' });
    expect(imageProperties({ format: 'svg', width: 1, height: 1 })).toMatchObject({
      mimetype: 'image/svg+xml',
    });
  });
});
