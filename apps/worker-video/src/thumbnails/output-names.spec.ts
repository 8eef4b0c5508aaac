import { spriteFilenames, trackFilename } from './output-names';

describe('trackFilename', () => {
  it.each([
    [undefined, null, 'thumbnails.vtt'],
    [undefined, 'thumbs', 'thumbs.vtt'],
    ['scrub.vtt', 'thumbs', 'scrub.vtt'],
  ])('filename %j, ref %j → %s', (filename, ref, expected) => {
    expect(trackFilename(filename, ref)).toBe(expected);
  });
});

describe('spriteFilenames', () => {
  it.each<[Parameters<typeof spriteFilenames>, string[]]>([
    [['jpeg', 1, 'thumbnails.vtt'], ['sprite.jpg']],
    [['webp', 1, 'thumbnails.vtt'], ['sprite.webp']],
    [
      ['jpeg', 3, 'thumbnails.vtt'],
      ['sprite-1.jpg', 'sprite-2.jpg', 'sprite-3.jpg'],
    ],
    // A track named like a sheet would share its storage key.
    [['jpeg', 1, 'sprite.jpg'], ['thumbnails-sprite.jpg']],
    [
      ['webp', 2, 'Sprite-2.WEBP'],
      ['thumbnails-sprite-1.webp', 'thumbnails-sprite-2.webp'],
    ],
    [['jpeg', 1, 'sprite.webp'], ['sprite.jpg']],
  ])('%j → %j', (args, expected) => {
    expect(spriteFilenames(...args)).toEqual(expected);
  });
});
