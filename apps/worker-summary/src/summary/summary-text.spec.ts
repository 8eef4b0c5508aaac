import { countWords, fitSentences, formatSummary, limitWords, truncateWords } from './summary-text';

describe('countWords', () => {
  it.each([
    ['', 0],
    ['One.', 1],
    ['It costs $2.50 — really, 3.14 times more!', 7],
    ['- first point\n- second point here', 5],
    ['1. numbered item\n2) another one', 4],
    ['  spaced   out\n\n words ', 3],
    ['Ça coûte 5 €, dit-il.', 4],
  ])('%j has %i words', (text, words) => {
    expect(countWords(text)).toBe(words);
  });
});

describe('truncateWords', () => {
  it.each([
    ['The quick brown fox jumps over the lazy dog.', 4, 'The quick brown fox…'],
    ['The quick brown fox jumps.', 5, 'The quick brown fox jumps.'],
    ['First, second, third, fourth.', 2, 'First, second…'],
    ['Stop. Then go on and on.', 1, 'Stop.'],
    ['Wait — what happened next?', 1, 'Wait…'],
  ])('%j to %i words → %j', (sentence, max, expected) => {
    expect(truncateWords(sentence, max)).toBe(expected);
    expect(countWords(truncateWords(sentence, max))).toBeLessThanOrEqual(max);
  });
});

describe('limitWords', () => {
  it('leaves text within the limit as it is', () => {
    expect(limitWords('Short and sweet.', 3)).toBe('Short and sweet.');
  });

  it('cuts a paragraph at a word boundary with an ellipsis', () => {
    expect(limitWords('One two three four five six.', 4)).toBe('One two three four…');
  });

  it('keeps whole bullets, cuts the one that reaches the limit and drops the rest', () => {
    const bullets = '- alpha beta gamma\n- delta epsilon zeta eta\n- theta iota';
    expect(limitWords(bullets, 5)).toBe('- alpha beta gamma\n- delta epsilon…');
    expect(limitWords(bullets, 3)).toBe('- alpha beta gamma');
    expect(countWords(limitWords(bullets, 5))).toBe(5);
  });
});

describe('fitSentences and formatSummary', () => {
  const sentences = ['A landscape image.', 'Mostly blue, with white.', 'Parts are transparent.'];

  it('keeps whole sentences in order while they fit', () => {
    expect(fitSentences(sentences, 7)).toEqual(sentences.slice(0, 2));
    expect(fitSentences(sentences, 6)).toEqual(sentences.slice(0, 1));
  });

  it('cuts the first sentence when even it does not fit', () => {
    expect(fitSentences(['No speech was found in the video.'], 3)).toEqual(['No speech was…']);
  });

  it('writes bullets one per line, a paragraph on one line', () => {
    expect(formatSummary(sentences.slice(0, 2), 'bullets')).toBe(
      '- A landscape image.\n- Mostly blue, with white.',
    );
    expect(formatSummary(sentences.slice(0, 2), 'paragraph')).toBe(
      'A landscape image. Mostly blue, with white.',
    );
  });
});
