import {
  DAMPING,
  MAX_RANKED_SENTENCES,
  contentWords,
  rankSentences,
  similarity,
  textRankScores,
} from './textrank';

describe('contentWords', () => {
  it.each([
    ['The cities of the north are cold.', ['city', 'north', 'cold']],
    ["The model's answers weren't wrong", ['model', 'answer', 'wrong']],
    ['Classes pass boxes to churches daily', ['class', 'pass', 'box', 'church', 'daily']],
    ['Um, okay, so it is what it is.', []],
  ])('%j → %j', (sentence, words) => {
    expect(contentWords(sentence)).toEqual(words);
  });

  it('keeps every word of other languages', () => {
    expect(contentWords('Der Hund und die Katze', 'de')).toEqual([
      'der',
      'hund',
      'und',
      'die',
      'katze',
    ]);
  });
});

describe('similarity', () => {
  it("is the paper's shared words over the sum of the logs of the lengths", () => {
    const a = new Set(['river', 'flood']);
    const b = new Set(['river', 'bank', 'flood']);
    expect(similarity(a, 5, b, 7)).toBeCloseTo(2 / (Math.log(5) + Math.log(7)), 12);
    expect(similarity(a, 5, new Set(['lake']), 3)).toBe(0);
  });

  it('never divides by zero for one-word sentences', () => {
    expect(similarity(new Set(['yes']), 1, new Set(['yes']), 1)).toBe(1);
  });
});

describe('textRankScores', () => {
  it('ranks the sentence that shares most with the others highest; an unrelated one gets 1 − d', () => {
    const scores = textRankScores([
      'Volcanoes release ash into the atmosphere.',
      'The ash from volcanoes cools the atmosphere and the climate.',
      'Climate scientists measure the atmosphere after large eruptions.',
      'My cat prefers tuna.',
    ]);
    expect(scores.indexOf(Math.max(...scores))).toBe(1);
    expect(scores[3]).toBeCloseTo(1 - DAMPING, 10);
  });

  it('gives symmetric sentences the same score, and the same input the same scores', () => {
    const sentences = ['Red apples grow.', 'Red apples fall.', 'Red apples rot.'];
    const scores = textRankScores(sentences);
    expect(scores[0]).toBeCloseTo(scores[1]!, 10);
    expect(scores[1]).toBeCloseTo(scores[2]!, 10);
    expect(textRankScores(sentences)).toEqual(scores);
  });
});

describe('rankSentences', () => {
  it('orders by score, ties going to the earlier sentence', () => {
    expect(rankSentences(['Red apples grow.', 'Red apples fall.', 'Blue sky.'])).toEqual([0, 1, 2]);
  });

  it('ranks a text longer than one graph window by window, finding the hub sentence', () => {
    const sentences = Array.from(
      { length: MAX_RANKED_SENTENCES * 2 + 100 },
      (_, i) => `Alpha${i % 50} beta${i % 37} gamma${i}.`,
    );
    // One sentence speaks of every alpha: everything links to it.
    const hub = 1234;
    sentences[hub] = `${Array.from({ length: 50 }, (_, i) => `alpha${i}`).join(' ')}.`;
    const ranked = rankSentences(sentences);
    expect(ranked[0]).toBe(hub);
    expect(new Set(ranked).size).toBe(ranked.length);
    expect(ranked.length).toBeLessThanOrEqual(MAX_RANKED_SENTENCES);
    expect(ranked.every((i) => i >= 0 && i < sentences.length)).toBe(true);
  });
});
