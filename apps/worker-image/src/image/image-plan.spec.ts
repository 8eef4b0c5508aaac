import {
  imagePlan,
  parseHexColour,
  type ImageOptions,
  type ImagePlan,
  type PlanInput,
} from './image-plan';

const JPEG: PlanInput = { kind: 'image', format: 'jpeg' };
const VIDEO: PlanInput = { kind: 'video' };
const BLACK = { r: 0, g: 0, b: 0, alpha: 1 };
const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };

describe('imagePlan', () => {
  it('keeps an image as it is when nothing is asked', () => {
    expect(imagePlan({}, JPEG, null)).toEqual<ImagePlan>({
      source: { type: 'image' },
      resize: null,
      format: 'jpeg',
      quality: 80,
      flatten: WHITE,
      filename: 'image.jpg',
    });
  });

  it.each<[string, ImageOptions, ImagePlan['resize']]>([
    [
      'one side keeps the aspect and never enlarges',
      { width: 320 },
      { width: 320, height: null, fit: 'inside', withoutEnlargement: true, background: BLACK },
    ],
    [
      'height alone too',
      { height: 90 },
      { width: null, height: 90, fit: 'inside', withoutEnlargement: true, background: BLACK },
    ],
    [
      'both sides: cover by default, at the size asked',
      { width: 64, height: 64 },
      { width: 64, height: 64, fit: 'cover', withoutEnlargement: false, background: BLACK },
    ],
    [
      'contain pads with the background asked',
      { width: 64, height: 32, fit: 'contain', background: '#ff0000' },
      {
        width: 64,
        height: 32,
        fit: 'contain',
        withoutEnlargement: false,
        background: { r: 255, g: 0, b: 0, alpha: 1 },
      },
    ],
    [
      'fill stretches to the box',
      { width: 64, height: 32, fit: 'fill' },
      { width: 64, height: 32, fit: 'fill', withoutEnlargement: false, background: BLACK },
    ],
    [
      'inside with both sides never enlarges',
      { width: 64, height: 32, fit: 'inside' },
      { width: 64, height: 32, fit: 'inside', withoutEnlargement: true, background: BLACK },
    ],
    [
      'outside with both sides never enlarges',
      { width: 64, height: 32, fit: 'outside' },
      { width: 64, height: 32, fit: 'outside', withoutEnlargement: true, background: BLACK },
    ],
    [
      'an explicit fit with one side still never enlarges',
      { width: 64, fit: 'cover' },
      { width: 64, height: null, fit: 'cover', withoutEnlargement: true, background: BLACK },
    ],
  ])('resize: %s', (_name, options, resize) => {
    expect(imagePlan(options, JPEG, null).resize).toEqual(resize);
  });

  it.each<[string, PlanInput, ImageOptions, string]>([
    ['jpeg stays jpeg', JPEG, {}, 'jpeg'],
    ['png stays png', { kind: 'image', format: 'png' }, {}, 'png'],
    ['webp stays webp', { kind: 'image', format: 'webp' }, {}, 'webp'],
    ['avif stays avif', { kind: 'image', format: 'avif' }, {}, 'avif'],
    ['gif becomes png', { kind: 'image', format: 'gif' }, {}, 'png'],
    ['tiff becomes png', { kind: 'image', format: 'tiff' }, {}, 'png'],
    ['an unknown format becomes png', { kind: 'image', format: null }, {}, 'png'],
    ['a video frame is jpeg', VIDEO, {}, 'jpeg'],
    ['the format asked wins', JPEG, { format: 'webp' }, 'webp'],
    ['the format asked wins for frames too', VIDEO, { format: 'png' }, 'png'],
  ])('format: %s', (_name, input, options, format) => {
    expect(imagePlan(options, input, null).format).toBe(format);
  });

  it.each<[ImageOptions, number | null]>([
    [{ format: 'jpeg' }, 80],
    [{ format: 'webp' }, 80],
    [{ format: 'avif' }, 50],
    [{ format: 'png' }, null],
    [{ format: 'jpeg', quality: 35 }, 35],
    [{ format: 'avif', quality: 90 }, 90],
    [{ format: 'png', quality: 10 }, null],
  ])('quality of %j: %j', (options, quality) => {
    expect(imagePlan(options, JPEG, null).quality).toBe(quality);
  });

  it('pads transparent where the format has alpha, and flattens only jpeg', () => {
    const png = imagePlan({ width: 10, height: 10, fit: 'contain', format: 'png' }, JPEG, null);
    expect(png.resize?.background).toEqual(TRANSPARENT);
    expect(png.flatten).toBeNull();
    const jpeg = imagePlan(
      { width: 10, height: 10, fit: 'contain', background: '#123' },
      JPEG,
      null,
    );
    expect(jpeg.resize?.background).toEqual({ r: 0x11, g: 0x22, b: 0x33, alpha: 1 });
    expect(jpeg.flatten).toEqual({ r: 0x11, g: 0x22, b: 0x33, alpha: 1 });
  });

  it('takes a video frame at start, or a representative one', () => {
    expect(imagePlan({ start: 2 }, VIDEO, null).source).toEqual({ type: 'frame', atSeconds: 2 });
    expect(imagePlan({}, VIDEO, null).source).toEqual({ type: 'frame', atSeconds: null });
    expect(imagePlan({ start: 2 }, JPEG, null).source).toEqual({ type: 'image' });
  });

  it.each<[ImageOptions, string | null, string]>([
    [{}, null, 'image.jpg'],
    [{}, 'small', 'small.jpg'],
    [{ format: 'webp' }, 'tiny', 'tiny.webp'],
    [{ format: 'avif' }, null, 'image.avif'],
    [{ format: 'png', filename: 'poster.png' }, 'small', 'poster.png'],
  ])('filename of %j with ref %j: %s', (options, ref, filename) => {
    expect(imagePlan(options, JPEG, ref).filename).toBe(filename);
  });
});

describe('parseHexColour', () => {
  it.each([
    ['#000', BLACK],
    ['#fff', WHITE],
    ['#0000', TRANSPARENT],
    ['#3a6ea5', { r: 0x3a, g: 0x6e, b: 0xa5, alpha: 1 }],
    ['#FF000080', { r: 255, g: 0, b: 0, alpha: 128 / 255 }],
  ])('%s', (hex, colour) => {
    expect(parseHexColour(hex)).toEqual(colour);
  });
});
