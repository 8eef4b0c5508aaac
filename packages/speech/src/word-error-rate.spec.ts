import { normaliseWords, wordErrorRate, wordErrors } from './word-error-rate';

describe('normaliseWords', () => {
  it.each([
    ['Hello, World!', ['hello', 'world']],
    ["  It's   Mister Dashwood's.  ", ["it's", 'mr', "dashwood's"]],
    ["'quoted' words", ['quoted', 'words']],
    ['Missus Jennings — 1811', ['mrs', 'jennings', '1811']],
    ['', []],
  ])('%j → %j', (text, words) => expect(normaliseWords(text)).toEqual(words));
});

describe('wordErrors', () => {
  it.each([
    ['identical', 'the cat sat', 'the cat sat', 0, 3],
    ['punctuation and case do not count', 'The cat sat.', 'the CAT sat', 0, 3],
    ['one substitution', 'the cat sat', 'the bat sat', 1, 3],
    ['one deletion', 'the cat sat', 'the sat', 1, 3],
    ['one insertion', 'the cat sat', 'the big cat sat', 1, 3],
    ['nothing heard', 'the cat sat', '', 3, 3],
    ['all wrong and longer', 'a b', 'c d e', 3, 2],
    ['mister and mr are one word', 'mister john dashwood', 'mr john dashwood', 0, 3],
    ['empty reference', '', 'noise', 1, 0],
  ])('%s', (_, reference, hypothesis, errors, words) =>
    expect(wordErrors(reference, hypothesis)).toEqual({ errors, words }),
  );
});

describe('wordErrorRate', () => {
  it('is all errors over all reference words, not a mean of rates', () => {
    expect(
      wordErrorRate([
        { reference: 'a b c d e f g h', hypothesis: 'a b c d e f g h' },
        { reference: 'x y', hypothesis: 'x z' },
      ]),
    ).toBeCloseTo(0.1);
  });

  it('is 0 for nothing to say and nothing said, 1 for words out of nothing', () => {
    expect(wordErrorRate([])).toBe(0);
    expect(wordErrorRate([{ reference: '', hypothesis: '' }])).toBe(0);
    expect(wordErrorRate([{ reference: '', hypothesis: 'hallucinated' }])).toBe(1);
  });
});
