import { MEDIA_INPUT_OPTIONS } from './file-input-args';
import { assertTrimWithin, ffmpegSeconds, trimmedDuration, trimmedInputArgs } from './trim-args';

describe('trimmed input arguments', () => {
  const input = [...MEDIA_INPUT_OPTIONS, '-i', 'file:/w/in.mp4'];

  it.each([
    ['no trim', {}, input],
    ['start 0 is no seek', { start: 0 }, input],
    ['a start seeks the input', { start: 1.5 }, ['-ss', '1.5', ...input]],
    ['an end alone is a length', { end: 4 }, ['-t', '4', ...input]],
    [
      'start and end: length end − start',
      { start: 1.25, end: 3.5 },
      ['-ss', '1.25', '-t', '2.25', ...input],
    ],
    ['to the millisecond', { start: 0.1, end: 0.3 }, ['-ss', '0.1', '-t', '0.2', ...input]],
  ])('%s', (_name, trim, expected) => {
    expect(trimmedInputArgs('/w/in.mp4', trim)).toEqual(expected);
  });

  it.each([
    [10, {}, 10],
    [10, { start: 2 }, 8],
    [10, { end: 4 }, 4],
    [10, { start: 2, end: 4 }, 2],
    [10, { start: 8, end: 30 }, 2],
    [10, { start: 12 }, 0],
    [null, {}, null],
    [null, { start: 1 }, null],
    [null, { start: 1, end: 3 }, 2],
  ])('a %s s input trimmed %j lasts %s s', (duration, trim, expected) => {
    expect(trimmedDuration(duration, trim)).toBe(expected);
  });

  it('refuses a start at or past the end of the input as unsupported_input', () => {
    expect(() => assertTrimWithin({ start: 3 }, 3)).toThrow(
      expect.objectContaining({
        code: 'unsupported_input',
        message: 'The trim starts at 3 s, at or past the end of the input (3 s)',
      }),
    );
    expect(() => assertTrimWithin({ start: 4, end: 5 }, 3.2)).toThrow(
      expect.objectContaining({ code: 'unsupported_input' }),
    );
    expect(() => assertTrimWithin({ start: 2.9 }, 3)).not.toThrow();
    expect(() => assertTrimWithin({ end: 30 }, 3)).not.toThrow();
    expect(() => assertTrimWithin({ start: 100 }, null)).not.toThrow();
  });

  it('writes seconds to the millisecond', () => {
    expect([ffmpegSeconds(1 / 3), ffmpegSeconds(2), ffmpegSeconds(0.0004)]).toEqual([
      '0.333',
      '2',
      '0',
    ]);
  });
});
