import { contentDisposition, dispositionFilename } from './content-disposition';

describe('dispositionFilename', () => {
  it.each([
    ['attachment; filename="clip.mp4"', 'clip.mp4'],
    ['attachment; filename=clip.mp4', 'clip.mp4'],
    ['attachment; filename="say \\"hi\\".mp4"', 'say "hi".mp4'],
    [
      'attachment; filename="fallback.mp4"; filename*=UTF-8\'\'%E2%82%AC%20rates.mp4',
      '€ rates.mp4',
    ],
    ["attachment; filename*=utf-8'en'caf%C3%A9.jpg", 'café.jpg'],
    ["attachment; filename*=iso-8859-1'en'caf%E9.jpg", null],
    ['inline', null],
    [undefined, null],
    [null, null],
  ])('%j → %j', (header, expected) => {
    expect(dispositionFilename(header)).toBe(expected);
  });
});

describe('contentDisposition', () => {
  it.each([
    ['web.mp4', `inline; filename="web.mp4"; filename*=UTF-8''web.mp4`],
    ['été.png', `inline; filename="_t_.png"; filename*=UTF-8''%C3%A9t%C3%A9.png`],
    [
      'a\r\nSet-Cookie: x',
      `inline; filename="a__Set-Cookie: x"; filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x`,
    ],
  ])('names %j in ASCII only, whatever the name', (filename, expected) => {
    expect(contentDisposition(filename)).toBe(expected);
  });

  it.each(['web.mp4', 'my clip (1).mp4', 'été ☕.png', 'say "hi"\\.txt', "it's*.jpg"])(
    'is read back as %j',
    (filename) => {
      expect(dispositionFilename(contentDisposition(filename))).toBe(filename);
      expect(dispositionFilename(contentDisposition(filename, 'attachment'))).toBe(filename);
    },
  );
});
