import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { Fixtures } from './fixtures';

const execFileAsync = promisify(execFile);

interface Probe {
  format: { duration: string };
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

async function probe(file: string): Promise<Probe> {
  const { stdout } = await execFileAsync('ffprobe', [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    file,
  ]);
  return JSON.parse(stdout) as Probe;
}

describe('Fixtures', () => {
  const fixtures = new Fixtures();
  afterAll(() => fixtures.remove());

  it('makes a JPEG of the asked size, with the EXIF orientation when given', async () => {
    const plain = await fixtures.jpeg('plain.jpg', 64, 48);
    expect(plain).toBe(fixtures.path('plain.jpg'));
    expect(await sharp(plain).metadata()).toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    expect((await sharp(plain).metadata()).orientation).toBeUndefined();
    const rotated = await fixtures.jpeg('rotated.jpg', 64, 48, 6);
    expect(await sharp(rotated).metadata()).toMatchObject({
      width: 64,
      height: 48,
      orientation: 6,
    });
  });

  it('makes a PNG opaque on the left and transparent on the right', async () => {
    const file = await fixtures.pngWithAlpha('alpha.png', 40, 10);
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 40, height: 10, channels: 4 });
    const alphaAt = (x: number) => data[x * 4 + 3];
    expect(alphaAt(0)).toBe(255);
    expect(alphaAt(39)).toBe(0);
  });

  it('makes an H.264 + AAC MP4 of the asked size and length', async () => {
    const { format, streams } = await probe(await fixtures.video('clip.mp4', 160, 120, 1));
    expect(Number(format.duration)).toBeCloseTo(1, 0);
    expect(streams).toEqual([
      expect.objectContaining({ codec_type: 'video', codec_name: 'h264', width: 160, height: 120 }),
      expect.objectContaining({ codec_type: 'audio', codec_name: 'aac' }),
    ]);
  });

  it('makes a silent video, and one with a black lead that lengthens it', async () => {
    const silent = await probe(await fixtures.video('silent.mp4', 160, 120, 1, { audio: false }));
    expect(silent.streams.map((s) => s.codec_type)).toEqual(['video']);
    const lead = await probe(
      await fixtures.video('lead.mp4', 160, 120, 1, { blackLeadSeconds: 1 }),
    );
    expect(Number(lead.format.duration)).toBeCloseTo(2, 0);
    expect(lead.streams.map((s) => s.codec_type)).toEqual(['video', 'audio']);
  });

  it('cuts a fixture, named or by path, in half', () => {
    const ten = fixtures.write('ten.bin', Buffer.alloc(10, 7));
    expect(fixtures.truncated('five.bin', 'ten.bin')).toBe(fixtures.path('five.bin'));
    expect(fixtures.bytes('five.bin')).toEqual(Buffer.alloc(5, 7));
    fixtures.truncated('also-five.bin', ten);
    expect(fixtures.bytes('also-five.bin')).toEqual(Buffer.alloc(5, 7));
  });

  it('makes a small PNG that claims 900 megapixels, which sharp refuses by default', async () => {
    const file = fixtures.pngBomb('bomb.png');
    expect(statSync(file).size).toBeLessThan(200_000);
    expect(await sharp(file, { limitInputPixels: false }).metadata()).toMatchObject({
      format: 'png',
      width: 30_000,
      height: 30_000,
    });
    await expect(sharp(file).toBuffer()).rejects.toThrow(/pixel limit/);
  });

  it('removes its directory', () => {
    const other = new Fixtures();
    other.write('a.txt', 'a');
    other.remove();
    expect(existsSync(other.dir)).toBe(false);
  });
});
