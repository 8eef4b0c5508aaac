import { segmentWords, transcriptOf } from './transcript-segments';
import type { TranscriptWord } from './transcript';

const w = (word: string, start: number, end: number): TranscriptWord => ({ word, start, end });

describe('segmentWords', () => {
  it.each([
    ['no words, no segments', [], []],
    [
      'words close together: one segment',
      [w('hello', 0.1, 0.4), w('world', 0.45, 0.9)],
      [[0.1, 0.9, 'hello world']],
    ],
    [
      'a pause of 0.5 s or more: a new segment',
      [w('one', 0, 0.3), w('two', 0.5, 0.8), w('three', 1.3, 1.6)],
      [
        [0, 0.8, 'one two'],
        [1.3, 1.6, 'three'],
      ],
    ],
    [
      'no segment longer than 10 s',
      Array.from({ length: 12 }, (_, i) => w(`w${i}`, i, i + 0.9)),
      [
        [0, 9.9, 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9'],
        [10, 11.9, 'w10 w11'],
      ],
    ],
  ])('%s', (_, words, expected) => {
    const segments = segmentWords(words);
    expect(segments.map((s) => [s.start, s.end, s.text])).toEqual(expected);
    expect(segments.flatMap((s) => s.words)).toEqual(words);
  });
});

describe('transcriptOf', () => {
  it('joins the segments’ text', () => {
    expect(transcriptOf('en', segmentWords([w('a', 0, 1), w('b', 3, 4)]))).toMatchObject({
      language: 'en',
      text: 'a b',
    });
    expect(transcriptOf('fr', [])).toEqual({ language: 'fr', text: '', segments: [] });
  });
});
