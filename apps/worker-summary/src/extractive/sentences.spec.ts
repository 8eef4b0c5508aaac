import {
  chunkWords,
  hasSentencePunctuation,
  pseudoSentences,
  sentencesOf,
  splitSentences,
  type TimedText,
} from './sentences';

describe('splitSentences', () => {
  it.each<[string, string, string[]]>([
    [
      'plain ends',
      'The river rose overnight. Roads were closed! Will it rain again?',
      ['The river rose overnight.', 'Roads were closed!', 'Will it rain again?'],
    ],
    [
      'decimals and prices',
      'Inflation fell to 3.2 percent in May. Bread still costs $2.50 a loaf.',
      ['Inflation fell to 3.2 percent in May.', 'Bread still costs $2.50 a loaf.'],
    ],
    [
      'titles before names',
      'Dr. Smith met Mrs. Jones at St. Paul’s. They talked for an hour.',
      ['Dr. Smith met Mrs. Jones at St. Paul’s.', 'They talked for an hour.'],
    ],
    [
      'initials',
      'The Hobbit was written by J. R. R. Tolkien. It appeared in 1937.',
      ['The Hobbit was written by J. R. R. Tolkien.', 'It appeared in 1937.'],
    ],
    [
      'Latin abbreviations and lower-case continuations',
      'Bring fruit, e.g. Apples or pears, i.e. Something fresh. Approx. ten people came.',
      ['Bring fruit, e.g. Apples or pears, i.e. Something fresh.', 'Approx. ten people came.'],
    ],
    [
      'numbers after abbreviations',
      'See Fig. 3 and No. 12 for details. The answer was no. Nobody asked again.',
      ['See Fig. 3 and No. 12 for details.', 'The answer was no.', 'Nobody asked again.'],
    ],
    [
      'an abbreviation that ends the sentence',
      'They sold pens, paper, ink etc. The shop closed at 5 p.m. Everyone went home.',
      ['They sold pens, paper, ink etc.', 'The shop closed at 5 p.m.', 'Everyone went home.'],
    ],
    [
      'quotes and brackets after the mark',
      '“Stop!” she shouted. He did (eventually.) “Why?” Nobody knew.',
      ['“Stop!” she shouted.', 'He did (eventually.)', '“Why?”', 'Nobody knew.'],
    ],
    [
      'ellipses',
      'We waited... Then it came… Finally.',
      ['We waited...', 'Then it came…', 'Finally.'],
    ],
    [
      'paragraphs without a final mark',
      'A heading without a period\n\nThe first line of the text.',
      ['A heading without a period', 'The first line of the text.'],
    ],
    [
      'so did I',
      'Everyone left early. So did I. Then the lights went out.',
      ['Everyone left early.', 'So did I.', 'Then the lights went out.'],
    ],
  ])('%s', (_, text, expected) => {
    expect(splitSentences(text)).toEqual(expected);
  });
});

describe('hasSentencePunctuation', () => {
  it.each([
    ['hello world this is a test of the recogniser', false],
    ['the rate is 3.5 percent and rising', false],
    ['One sentence.', true],
    ['Is it? yes', true],
    ['He said “enough.” and left', true],
  ])('%j → %s', (text, expected) => {
    expect(hasSentencePunctuation(text)).toBe(expected);
  });
});

/** Words one after another, each 0.3 s long, with the given pauses (s) before word indices. */
function spoken(text: string, pausesBefore: Record<number, number> = {}): TimedText[] {
  let t = 0;
  return text.split(' ').map((word, i) => {
    t += pausesBefore[i] ?? 0.05;
    const piece = { start: t, end: t + 0.3, text: word };
    t += 0.3;
    return piece;
  });
}

describe('pseudoSentences', () => {
  it('cuts at every pause of half a second or more, and capitalises and closes each piece', () => {
    const words = spoken('okay so today we talk about rivers then we look at lakes', {
      2: 0.6,
      7: 0.8,
    });
    expect(pseudoSentences(words)).toEqual([
      'Okay so.',
      'Today we talk about rivers.',
      'Then we look at lakes.',
    ]);
  });

  it('cuts a long stretch at its longest pauses until each piece has at most 20 words', () => {
    const text = Array.from({ length: 30 }, (_, i) => `w${i}`).join(' ');
    // Short pauses before w12 (0.4 s) and w25 (0.3 s): the longer one cuts first.
    const pieces = pseudoSentences(spoken(text, { 12: 0.4, 25: 0.3 }));
    expect(pieces).toHaveLength(2);
    expect(pieces[0]).toBe(
      `${Array.from({ length: 12 }, (_, i) => `w${i}`).join(' ')}.`.replace('w0', 'W0'),
    );
    expect(pieces[1]!.startsWith('W12')).toBe(true);
  });

  it('cuts by word count, evenly, where there is no pause at all', () => {
    const text = Array.from({ length: 45 }, (_, i) => `w${i}`).join(' ');
    const untimed = text.split(' ').map((word) => ({ start: 0, end: 0, text: word }));
    const pieces = pseudoSentences(untimed);
    expect(pieces.map((p) => p.split(' ').length)).toEqual([15, 15, 15]);
  });

  it('leaves out pieces without words', () => {
    expect(
      pseudoSentences([
        { start: 0, end: 1, text: ' ' },
        { start: 1, end: 2, text: 'hi' },
      ]),
    ).toEqual(['Hi.']);
  });
});

describe('chunkWords', () => {
  it('makes even pieces of at most the given size', () => {
    expect(chunkWords('a b c d e f g', 3)).toEqual(['a b c', 'd e f', 'g']);
    expect(chunkWords('a b c d e f g h', 3)).toEqual(['a b c', 'd e f', 'g h']);
    expect(chunkWords('a b', 3)).toEqual(['a b']);
  });
});

describe('sentencesOf', () => {
  it('splits punctuated text at its sentences, even when it has times', () => {
    expect(
      sentencesOf({
        text: 'Hello there. General Kenobi!',
        timed: spoken('Hello there. General Kenobi!'),
      }),
    ).toEqual(['Hello there.', 'General Kenobi!']);
  });

  it('cuts a run-on sentence of punctuated text by word count', () => {
    const runOn = `${Array.from({ length: 50 }, () => 'and').join(' ')}. Short one.`;
    expect(sentencesOf({ text: runOn }).map((s) => s.split(' ').length)).toEqual([17, 17, 16, 2]);
  });

  it('cuts unpunctuated speech at its pauses when it has times, by count when not', () => {
    const text = 'good morning everyone welcome back to the show';
    expect(sentencesOf({ text, timed: spoken(text, { 3: 0.7 }) })).toEqual([
      'Good morning everyone.',
      'Welcome back to the show.',
    ]);
    expect(sentencesOf({ text })).toEqual(['Good morning everyone welcome back to the show.']);
    expect(sentencesOf({ text: '  ' })).toEqual([]);
  });
});
