import { geometryFilters, videoGeometry, type GeometryRequest } from './video-geometry';

type Case = [
  name: string,
  source: [number, number],
  request: GeometryRequest,
  output: [number, number],
  scale: [number, number] | null,
  crop: [number, number] | null,
];

const size = (s: [number, number] | null) => (s ? { width: s[0], height: s[1] } : null);

describe('video geometry', () => {
  it.each<Case>([
    // A 640×360 landscape source.
    ['nothing asked: as it is', [640, 360], { fit: 'contain' }, [640, 360], null, null],
    [
      'width alone keeps the aspect',
      [640, 360],
      { width: 320, fit: 'contain' },
      [320, 180],
      [320, 180],
      null,
    ],
    [
      'height alone keeps the aspect',
      [640, 360],
      { height: 180, fit: 'cover' },
      [320, 180],
      [320, 180],
      null,
    ],
    [
      'a larger width alone does not upscale',
      [640, 360],
      { width: 1280, fit: 'contain' },
      [640, 360],
      null,
      null,
    ],
    [
      'fill upscales a width alone, keeping the aspect',
      [640, 360],
      { width: 1280, fit: 'fill' },
      [1280, 720],
      [1280, 720],
      null,
    ],
    [
      'contain fits inside the box',
      [640, 360],
      { width: 320, height: 320, fit: 'contain' },
      [320, 180],
      [320, 180],
      null,
    ],
    [
      'contain does not upscale into a larger box',
      [640, 360],
      { width: 1920, height: 1080, fit: 'contain' },
      [640, 360],
      null,
      null,
    ],
    [
      'cover scales to cover the box and crops the centre',
      [640, 360],
      { width: 320, height: 320, fit: 'cover' },
      [320, 320],
      [569, 320],
      [320, 320],
    ],
    [
      'cover of a wide box scales to its width',
      [640, 360],
      { width: 600, height: 200, fit: 'cover' },
      [600, 200],
      [600, 338],
      [600, 200],
    ],
    [
      'cover of a larger box of the same shape: unchanged',
      [640, 360],
      { width: 1920, height: 1080, fit: 'cover' },
      [640, 360],
      null,
      null,
    ],
    [
      'cover of a larger square box: the largest square, cropped unscaled',
      [640, 360],
      { width: 1920, height: 1920, fit: 'cover' },
      [360, 360],
      null,
      [360, 360],
    ],
    [
      'cover of a larger, wider box: its shape, cropped unscaled',
      [640, 360],
      { width: 1000, height: 200, fit: 'cover' },
      [640, 128],
      null,
      [640, 128],
    ],
    [
      'fill stretches to the box',
      [640, 360],
      { width: 320, height: 320, fit: 'fill' },
      [320, 320],
      [320, 320],
      null,
    ],
    [
      'fill upscales and stretches',
      [640, 360],
      { width: 720, height: 400, fit: 'fill' },
      [720, 400],
      [720, 400],
      null,
    ],
    [
      'fill to the source size: nothing to do',
      [640, 360],
      { width: 640, height: 360, fit: 'fill' },
      [640, 360],
      null,
      null,
    ],
    // A 360×640 portrait source.
    [
      'portrait, width alone: height rounded to even',
      [360, 640],
      { width: 320, fit: 'contain' },
      [320, 568],
      [320, 568],
      null,
    ],
    [
      'portrait, height alone',
      [360, 640],
      { height: 360, fit: 'contain' },
      [202, 360],
      [202, 360],
      null,
    ],
    [
      'portrait into a landscape box, contain',
      [360, 640],
      { width: 640, height: 360, fit: 'contain' },
      [202, 360],
      [202, 360],
      null,
    ],
    [
      'portrait into a landscape box, cover: the widest 16:9 window',
      [360, 640],
      { width: 640, height: 360, fit: 'cover' },
      [360, 202],
      null,
      [360, 202],
    ],
    [
      'portrait into a landscape box, fill',
      [360, 640],
      { width: 640, height: 360, fit: 'fill' },
      [640, 360],
      [640, 360],
      null,
    ],
    // Odd source sizes: the output is always even.
    [
      'odd source, nothing asked: cropped to even',
      [641, 361],
      { fit: 'contain' },
      [640, 360],
      null,
      [640, 360],
    ],
    [
      'odd source, width alone',
      [641, 361],
      { width: 320, fit: 'contain' },
      [320, 180],
      [320, 180],
      null,
    ],
    [
      'odd source, larger width: no upscale, cropped to even',
      [641, 361],
      { width: 1280, fit: 'contain' },
      [640, 360],
      null,
      [640, 360],
    ],
  ])('%s', (_name, [width, height], request, output, scale, crop) => {
    expect(videoGeometry({ width, height }, request)).toEqual({
      width: output[0],
      height: output[1],
      scale: size(scale),
      crop: size(crop),
    });
  });

  it.each([
    ['nothing', { width: 640, height: 360, scale: null, crop: null }, []],
    [
      'a scale, with square pixels',
      { width: 320, height: 180, scale: size([320, 180]), crop: null },
      ['scale=320:180', 'setsar=1'],
    ],
    [
      'a scale then a centre crop',
      { width: 320, height: 320, scale: size([569, 320]), crop: size([320, 320]) },
      ['scale=569:320', 'setsar=1', 'crop=320:320'],
    ],
    [
      'a crop alone',
      { width: 640, height: 360, scale: null, crop: size([640, 360]) },
      ['crop=640:360'],
    ],
  ])('filters for %s', (_name, geometry, expected) => {
    expect(geometryFilters(geometry)).toEqual(expected);
  });
});
