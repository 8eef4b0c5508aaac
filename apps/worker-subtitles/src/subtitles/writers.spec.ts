import { cueTimestamp } from './cue-time';
import { writeSrt } from './srt-writer';
import { writeVtt } from './vtt-writer';

const CUES = [
  { start: 0.5, end: 2.25, lines: ['Hello world.', 'How are you?'] },
  { start: 3723.0049, end: 3725.9999, lines: ['Fish & chips <b>, a --> b'] },
];

describe('cueTimestamp', () => {
  it.each([
    [0, '.', '00:00:00.000'],
    [1.5, ',', '00:00:01,500'],
    [61.0004, '.', '00:01:01.000'],
    [3723.9996, ',', '01:02:04,000'],
    [360_000, '.', '100:00:00.000'],
    [-1, '.', '00:00:00.000'],
  ] as const)('%s s → %s', (seconds, separator, text) =>
    expect(cueTimestamp(seconds, separator)).toBe(text),
  );
});

describe('writeVtt', () => {
  it('writes the header and one block per cue, escaping markup', () => {
    expect(writeVtt(CUES)).toBe(
      'WEBVTT\n\n' +
        '00:00:00.500 --> 00:00:02.250\nHello world.\nHow are you?\n\n' +
        '01:02:03.005 --> 01:02:06.000\nFish &amp; chips &lt;b&gt;, a --&gt; b\n',
    );
  });

  it('writes a valid file with no cues', () => {
    expect(writeVtt([])).toBe('WEBVTT\n');
  });
});

describe('writeSrt', () => {
  it('numbers the cues from 1, with comma milliseconds and no arrow inside text', () => {
    expect(writeSrt(CUES)).toBe(
      '1\n00:00:00,500 --> 00:00:02,250\nHello world.\nHow are you?\n\n' +
        '2\n01:02:03,005 --> 01:02:06,000\nFish & chips <b>, a -> b\n',
    );
  });

  it('writes a line break, not an empty file, with no cues', () => {
    expect(writeSrt([])).toBe('\n');
  });
});
