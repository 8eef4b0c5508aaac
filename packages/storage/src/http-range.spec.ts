import { contentRange, parseRangeHeader } from './http-range';

describe('parseRangeHeader (RFC 9110 §14)', () => {
  it.each([
    // header, size, expected
    [undefined, 1000, null],
    ['bytes=0-499', 1000, { start: 0, end: 499 }],
    ['bytes=500-999', 1000, { start: 500, end: 999 }],
    ['bytes=500-5000', 1000, { start: 500, end: 999 }],
    ['bytes=500-', 1000, { start: 500, end: 999 }],
    ['bytes=0-0', 1000, { start: 0, end: 0 }],
    ['bytes=999-', 1000, { start: 999, end: 999 }],
    ['bytes=-200', 1000, { start: 800, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['BYTES = 1 - 2', 1000, { start: 1, end: 2 }],
    ['bytes=0-99999999999999999999', 1000, { start: 0, end: 999 }],
    ['bytes=1000-', 1000, 'unsatisfiable'],
    ['bytes=1000-2000', 1000, 'unsatisfiable'],
    ['bytes=-0', 1000, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=-10', 0, 'unsatisfiable'],
    ['bytes=99999999999999999999-', 1000, 'unsatisfiable'],
    // Ignored: served whole as 200.
    ['bytes=500-100', 1000, null],
    ['bytes=-', 1000, null],
    ['bytes=', 1000, null],
    ['bytes=a-b', 1000, null],
    ['bytes=1.5-2', 1000, null],
    ['bytes=0-1,5-6', 1000, null],
    ['bytes=0-1, 1000-', 1000, null],
    ['items=0-10', 1000, null],
    ['0-10', 1000, null],
    ['', 1000, null],
  ] as const)('%j of %d bytes → %j', (header, size, expected) => {
    expect(parseRangeHeader(header, size)).toEqual(expected);
  });

  it('tolerates empty list elements around a single range', () => {
    expect(parseRangeHeader('bytes=, 2-3 ,', 10)).toEqual({ start: 2, end: 3 });
  });

  it('writes Content-Range for 206 and 416', () => {
    expect(contentRange({ start: 0, end: 499 }, 1000)).toBe('bytes 0-499/1000');
    expect(contentRange('unsatisfiable', 1000)).toBe('bytes */1000');
  });
});
