import { WebVTTParser } from 'webvtt-parser';
import { thumbnailsVtt, vttTimestamp, type ThumbnailCue } from './thumbnails-vtt';

describe('vttTimestamp', () => {
  it.each([
    [0, '00:00:00.000'],
    [999, '00:00:00.999'],
    [61_001, '00:01:01.001'],
    [3_723_004, '01:02:03.004'],
    [360_000_000, '100:00:00.000'],
  ])('%d ms → %s', (ms, text) => {
    expect(vttTimestamp(ms)).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %d', (ms) => {
    expect(() => vttTimestamp(ms)).toThrow(RangeError);
  });
});

describe('thumbnailsVtt', () => {
  const cell = (x: number, y: number) => ({ x, y, w: 160, h: 90 });

  it('writes a header and one cue per frame, pointing into the sprite with #xywh', () => {
    const cues: ThumbnailCue[] = [
      { start: 0, end: 2.5, image: 'sprite.jpg', cell: cell(0, 0) },
      { start: 2.5, end: 5.005, image: 'sprite.jpg', cell: cell(160, 0) },
    ];
    expect(thumbnailsVtt(cues)).toBe(
      [
        'WEBVTT',
        '',
        '00:00:00.000 --> 00:00:02.500',
        'sprite.jpg#xywh=0,0,160,90',
        '',
        '00:00:02.500 --> 00:00:05.005',
        'sprite.jpg#xywh=160,0,160,90',
        '',
      ].join('\n'),
    );
  });

  it('rounds a shared boundary once, so the cues still touch', () => {
    const third = 1 / 3;
    const cues = [0, 1, 2].map((k) => ({
      start: k * third,
      end: (k + 1) * third,
      image: 'sprite.jpg',
      cell: cell(160 * k, 0),
    }));
    const parsed = new WebVTTParser().parse(thumbnailsVtt(cues), 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues.map((c) => [c.startTime, c.endTime])).toEqual([
      [0, 0.333],
      [0.333, 0.667],
      [0.667, 1],
    ]);
  });

  it('percent-encodes a file name so that it stays one relative URL', () => {
    const vtt = thumbnailsVtt([{ start: 0, end: 1, image: 'my #1 sprite?.jpg', cell: cell(0, 0) }]);
    expect(vtt).toContain('\nmy%20%231%20sprite%3F.jpg#xywh=0,0,160,90\n');
  });

  it('reads back without errors in a real WebVTT parser', () => {
    const cues = Array.from({ length: 30 }, (_, k) => ({
      start: k * 0.7,
      end: (k + 1) * 0.7,
      image: 'sprite-2.webp',
      cell: cell(160 * (k % 5), 90 * Math.floor(k / 5)),
    }));
    const parsed = new WebVTTParser().parse(thumbnailsVtt(cues), 'metadata');
    expect(parsed.errors).toEqual([]);
    expect(parsed.cues).toHaveLength(30);
    expect(parsed.cues[29]).toMatchObject({
      startTime: 20.3,
      endTime: 21,
      text: 'sprite-2.webp#xywh=640,450,160,90',
    });
  });
});
