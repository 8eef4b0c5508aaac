import type { Transcript } from '@mediaflow/speech';
import { captionWords } from './caption-words';

const transcript = (segments: Transcript['segments']): Transcript => ({
  language: 'en',
  text: '',
  segments,
});

describe('captionWords', () => {
  it.each([
    [
      'segment text with as many words as the word list: its punctuated words, with the list’s times',
      transcript([
        {
          start: 0,
          end: 2,
          text: ' Hello there. How are you?',
          words: [
            { word: 'Hello', start: 0, end: 0.4 },
            { word: 'there', start: 0.5, end: 0.9 },
            { word: 'How', start: 1, end: 1.2 },
            { word: 'are', start: 1.3, end: 1.5 },
            { word: 'you', start: 1.6, end: 1.9 },
          ],
        },
      ]),
      [
        ['Hello', 0, 0.4, false],
        ['there.', 0.5, 0.9, true],
        ['How', 1, 1.2, false],
        ['are', 1.3, 1.5, false],
        ['you?', 1.6, 1.9, true],
      ],
    ],
    [
      'text and words that do not line up: the list’s words, the segment’s end a sentence end',
      transcript([
        {
          start: 0,
          end: 1,
          text: 'Well, twenty-one.',
          words: [
            { word: 'Well', start: 0, end: 0.3 },
            { word: 'twenty', start: 0.4, end: 0.6 },
            { word: 'one', start: 0.7, end: 0.9 },
          ],
        },
      ]),
      [
        ['Well', 0, 0.3, false],
        ['twenty', 0.4, 0.6, false],
        ['one', 0.7, 0.9, true],
      ],
    ],
    [
      'pocketsphinx: no punctuation, no sentence ends',
      transcript([
        {
          start: 1,
          end: 2,
          text: 'hello world',
          words: [
            { word: 'hello', start: 1, end: 1.4 },
            { word: 'world', start: 1.5, end: 2 },
          ],
        },
      ]),
      [
        ['hello', 1, 1.4, false],
        ['world', 1.5, 2, false],
      ],
    ],
    ['no speech', transcript([]), []],
  ])('%s', (_, input, expected) => {
    expect(captionWords(input).map((w) => [w.text, w.start, w.end, w.sentenceEnd])).toEqual(
      expected,
    );
  });
});
