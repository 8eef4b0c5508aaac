import { imagePlan, type ImageOptions } from './image-plan';
import { plannedOutputSize, RENDER_APART_SECONDS, renderSeconds } from './render-cost';

const plan = (options: ImageOptions, format = 'jpeg') =>
  imagePlan(options, { kind: 'image', format }, null);

describe('plannedOutputSize', () => {
  it.each<[string, ImageOptions, [number, number]]>([
    ['no resize: the input', {}, [4000, 3000]],
    ['a width: the aspect kept', { width: 400 }, [400, 300]],
    ['a height: the aspect kept', { height: 600 }, [800, 600]],
    ['a width past the input: never enlarged', { width: 8000 }, [4000, 3000]],
    [
      'a box, cover by default: the box, enlarged if need be',
      { width: 9000, height: 100 },
      [9000, 100],
    ],
    ['a box to contain', { width: 500, height: 500, fit: 'contain' }, [500, 500]],
    ['a box to fill', { width: 100, height: 900, fit: 'fill' }, [100, 900]],
    ['inside a box: the tighter side', { width: 400, height: 400, fit: 'inside' }, [400, 300]],
    ['outside a box: the looser side', { width: 400, height: 400, fit: 'outside' }, [533, 400]],
    [
      'outside a box past the input: never enlarged',
      { width: 8000, height: 10, fit: 'outside' },
      [4000, 3000],
    ],
  ])('%s', (_name, options, [width, height]) => {
    expect(plannedOutputSize({ width: 4000, height: 3000 }, plan(options).resize)).toEqual({
      width,
      height,
    });
  });
});

describe('renderSeconds: which renders run in a process a cancel can kill', () => {
  const apart = (width: number, height: number, options: ImageOptions, format?: string) =>
    renderSeconds({ width, height }, plan(options, format)) > RENDER_APART_SECONDS;

  it.each<[string, boolean, [number, number], ImageOptions, string | undefined]>([
    ['a 12-megapixel photo to a thumbnail', false, [4000, 3000], { width: 320 }, undefined],
    ['a 12-megapixel photo re-encoded whole', false, [4000, 3000], {}, undefined],
    ['a 100-megapixel JPEG to a thumbnail', true, [10_000, 10_000], { width: 320 }, undefined],
    ['a 12-megapixel photo to a 4-megapixel PNG', false, [4000, 3000], { width: 2400 }, 'png'],
    ['a 12-megapixel photo to a 12-megapixel PNG', true, [4000, 3000], { format: 'png' }, 'png'],
    ['a small AVIF thumbnail', false, [4000, 3000], { width: 320, format: 'avif' }, undefined],
    ['a one-megapixel AVIF', true, [4000, 3000], { width: 1200, format: 'avif' }, undefined],
    [
      'a tiny picture to a huge AVIF box',
      true,
      [64, 48],
      { width: 4000, height: 3000, format: 'avif' },
      undefined,
    ],
  ])('%s: in a process of its own, %s', (_name, expected, [width, height], options, format) => {
    expect(apart(width, height, options, format)).toBe(expected);
  });
});
