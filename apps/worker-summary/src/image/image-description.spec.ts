import {
  aspectRatio,
  describeImageProperties,
  orientation,
  type ImageMeasurements,
} from './image-description';
import { countWords } from '../summary/summary-text';

describe('orientation and aspectRatio', () => {
  it.each<[number, number, string, string]>([
    [640, 480, 'landscape', '4:3'],
    [1920, 1080, 'landscape', '16:9'],
    [1080, 1920, 'portrait', '9:16'],
    [500, 500, 'square', '1:1'],
    [2560, 1080, 'landscape', 'about 21:9'],
    [1366, 768, 'landscape', 'about 16:9'],
    [4000, 3000, 'landscape', '4:3'],
    [3024, 4032, 'portrait', '3:4'],
    [1000, 237, 'landscape', '4.22:1'],
    [237, 1000, 'portrait', '1:4.22'],
  ])('%i×%i is %s, %s', (width, height, shape, aspect) => {
    expect(orientation(width, height)).toBe(shape);
    expect(aspectRatio(width, height)).toBe(aspect);
  });
});

const photo: ImageMeasurements = {
  width: 640,
  height: 480,
  format: 'png',
  pages: 1,
  transparent: 0,
  colours: [
    { name: 'dark blue', share: 0.72 },
    { name: 'white', share: 0.2 },
    { name: 'red', share: 0.08 },
  ],
};

describe('describeImageProperties', () => {
  it.each<[string, ImageMeasurements, string]>([
    [
      'a photo, mostly one colour',
      photo,
      'A landscape PNG image of 640×480 pixels (4:3). Mostly dark blue, with white and red.',
    ],
    [
      'a plain square',
      {
        ...photo,
        width: 512,
        height: 512,
        format: 'jpeg',
        colours: [{ name: 'grey', share: 0.97 }],
      },
      'A square JPEG image of 512×512 pixels. Almost entirely grey.',
    ],
    [
      'a mix, partly transparent',
      {
        ...photo,
        width: 1080,
        height: 1920,
        format: 'webp',
        transparent: 0.3,
        colours: [
          { name: 'green', share: 0.4 },
          { name: 'yellow', share: 0.35 },
          { name: 'black', share: 0.25 },
        ],
      },
      'A portrait WebP image of 1080×1920 pixels (9:16). A mix of green, yellow and black. Parts of it are transparent.',
    ],
    [
      'an animation',
      { ...photo, format: 'gif', pages: 12, colours: [{ name: 'white', share: 0.6 }] },
      'A landscape animated GIF image of 640×480 pixels (4:3), 12 frames. Mostly white.',
    ],
    [
      'a clear picture of an unknown format',
      { ...photo, format: null, transparent: 1, colours: [] },
      'A landscape image of 640×480 pixels (4:3). It is entirely transparent.',
    ],
  ])('%s', (_, image, expected) => {
    expect(describeImageProperties(image, { maxWords: 60, style: 'paragraph' })).toBe(expected);
  });

  it('writes bullets, and keeps within max_words by whole sentences', () => {
    expect(describeImageProperties(photo, { maxWords: 60, style: 'bullets' })).toBe(
      '- A landscape PNG image of 640×480 pixels (4:3).\n- Mostly dark blue, with white and red.',
    );
    const short = describeImageProperties(photo, { maxWords: 10, style: 'paragraph' });
    expect(short).toBe('A landscape PNG image of 640×480 pixels (4:3).');
    expect(countWords(short)).toBeLessThanOrEqual(10);
  });
});
