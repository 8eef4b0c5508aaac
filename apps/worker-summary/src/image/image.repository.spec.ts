import { Fixtures } from '@mediaflow/testing';
import sharp from 'sharp';
import { ImageRepository, VISION_MAX_PX } from './image.repository';

// Real sharp on pictures made here.
describe('ImageRepository', () => {
  const fixtures = new Fixtures();
  const images = new ImageRepository(100_000_000);

  afterAll(() => fixtures.remove());

  /** `width`×`height` of `background` with a white block over its right quarter. */
  async function blocks(name: string, width: number, height: number, background: string) {
    const white = await sharp({
      create: { width: width / 4, height, channels: 3, background: '#ffffff' },
    })
      .png()
      .toBuffer();
    await sharp({ create: { width, height, channels: 3, background } })
      .composite([{ input: white, left: (width * 3) / 4, top: 0 }])
      .toFile(fixtures.path(name));
    return fixtures.path(name);
  }

  it('measures size, format and colours with their shares', async () => {
    const measured = await images.measure(await blocks('navy.png', 800, 400, '#000080'));
    expect(measured).toMatchObject({
      width: 800,
      height: 400,
      format: 'png',
      pages: 1,
      transparent: 0,
    });
    expect(measured.colours.map((c) => c.name)).toEqual(['dark blue', 'white']);
    expect(measured.colours[0]!.share).toBeCloseTo(0.75, 1);
  });

  it('reports the size as displayed, after the EXIF orientation', async () => {
    const measured = await images.measure(await fixtures.jpeg('turned.jpg', 600, 400, 6));
    expect(measured).toMatchObject({ width: 400, height: 600, format: 'jpeg' });
  });

  it('measures transparency and counts the frames of an animation', async () => {
    const alpha = await images.measure(await fixtures.pngWithAlpha('alpha.png', 400, 200));
    expect(alpha.transparent).toBeCloseTo(0.5, 1);
    expect(alpha.colours.map((c) => c.name)).toEqual(['red']);

    const frame = (background: string) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background } })
        .png()
        .toBuffer();
    const gif = fixtures.path('anim.gif');
    await sharp([await frame('#ff0000'), await frame('#00ff00'), await frame('#0000ff')], {
      join: { animated: true },
    })
      .gif()
      .toFile(gif);
    expect(await images.measure(gif)).toMatchObject({
      width: 64,
      height: 48,
      format: 'gif',
      pages: 3,
    });
  });

  it('makes a JPEG of at most 1024 px for a provider that can see, never larger than the picture', async () => {
    const big = await sharp(
      await images.visionJpeg(await fixtures.jpeg('big.jpg', 2048, 1536)),
    ).metadata();
    expect(big).toMatchObject({ format: 'jpeg', width: VISION_MAX_PX, height: 768 });
    const alpha = await images.visionJpeg(fixtures.path('alpha.png'));
    expect(await sharp(alpha).metadata()).toMatchObject({
      format: 'jpeg',
      width: 400,
      height: 200,
      channels: 3,
    });
  });

  it('fails a corrupt picture with input_unreadable and a bomb with input_too_large', async () => {
    const photo = await fixtures.jpeg('photo.jpg', 640, 480);
    await expect(images.measure(fixtures.truncated('cut.jpg', photo))).rejects.toMatchObject({
      code: 'input_unreadable',
    });
    await expect(
      images.visionJpeg(fixtures.write('text.png', 'not a picture')),
    ).rejects.toMatchObject({
      code: 'input_unreadable',
    });
    await expect(images.measure(fixtures.pngBomb('bomb.png'))).rejects.toMatchObject({
      code: 'input_too_large',
    });
  });
});
