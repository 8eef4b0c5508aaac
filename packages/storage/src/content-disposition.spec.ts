import { dispositionFilename } from './content-disposition';

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
