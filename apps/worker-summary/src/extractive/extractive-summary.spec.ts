import { countWords } from '../summary/summary-text';
import { extractiveSummary } from './extractive-summary';
import { splitSentences } from './sentences';

const BEES =
  'Honeybees are essential pollinators for many crops. A single colony can visit millions of flowers in a season. ' +
  'In recent years, beekeepers have reported unusually high colony losses over the winter. ' +
  'Researchers link these losses to a combination of parasites, pesticides and poor nutrition. ' +
  'The varroa mite, a parasite that feeds on bees and spreads viruses, is considered the most damaging of these factors. ' +
  'Some farmers now plant strips of wildflowers to give bees a more varied diet. My neighbour keeps two hives in her garden. ' +
  'Scientists say that protecting pollinators will require changes in how both farms and gardens are managed.';

const TRAM =
  'The city council voted on Tuesday to extend the tram line to the airport. ' +
  'The extension will add six stops and about nine kilometres of track. ' +
  'Construction is expected to begin next spring and to take three years. ' +
  'Supporters say the tram line will cut traffic on the airport road and reduce emissions. ' +
  'Opponents argue that the cost, estimated at 240 million euros, is too high for a city of this size. ' +
  'The council also approved a new bicycle lane on Market Street. ' +
  'A public consultation on the tram route will open in January.';

const en = (maxWords: number, style: 'paragraph' | 'bullets' = 'paragraph') => ({
  maxWords,
  style,
  language: 'en',
});

describe('extractiveSummary on real paragraphs', () => {
  it.each<[string, string, number, string]>([
    [
      'bees, 40 words',
      BEES,
      40,
      'Honeybees are essential pollinators for many crops. ' +
        'In recent years, beekeepers have reported unusually high colony losses over the winter. ' +
        'Scientists say that protecting pollinators will require changes in how both farms and gardens are managed.',
    ],
    [
      'tram, 40 words',
      TRAM,
      40,
      'The city council voted on Tuesday to extend the tram line to the airport. ' +
        'Supporters say the tram line will cut traffic on the airport road and reduce emissions. ' +
        'A public consultation on the tram route will open in January.',
    ],
    [
      'tram, 25 words',
      TRAM,
      25,
      'The city council voted on Tuesday to extend the tram line to the airport. ' +
        'A public consultation on the tram route will open in January.',
    ],
  ])('%s', (_, text, maxWords, expected) => {
    expect(extractiveSummary({ text }, en(maxWords))).toBe(expected);
  });

  it.each([12, 25, 40, 60, 120])(
    'at %i words: within the limit, whole sentences of the text in their order, the aside left out',
    (maxWords) => {
      for (const text of [BEES, TRAM]) {
        const summary = extractiveSummary({ text }, en(maxWords));
        expect(countWords(summary)).toBeLessThanOrEqual(maxWords);
        const picked = splitSentences(summary);
        const original = splitSentences(text);
        const positions = picked.map((s) => original.indexOf(s));
        expect(positions.every((p) => p >= 0)).toBe(true);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        if (maxWords <= 60) expect(summary).not.toContain('My neighbour');
      }
    },
  );

  it('takes the whole text when it fits', () => {
    expect(extractiveSummary({ text: TRAM }, en(400))).toBe(TRAM);
  });

  it('writes bullets, one sentence a line', () => {
    expect(extractiveSummary({ text: TRAM }, en(40, 'bullets'))).toBe(
      '- The city council voted on Tuesday to extend the tram line to the airport.\n' +
        '- Supporters say the tram line will cut traffic on the airport road and reduce emissions.\n' +
        '- A public consultation on the tram route will open in January.',
    );
  });

  it('cuts the best sentence at a word boundary when even it is too long', () => {
    expect(extractiveSummary({ text: TRAM }, en(10))).toBe(
      'The city council voted on Tuesday to extend the tram…',
    );
  });

  it('counts a repeated sentence once', () => {
    const text = `${TRAM} The city council voted on Tuesday to extend the tram line to the airport.`;
    expect(extractiveSummary({ text }, en(400))).toBe(TRAM);
  });

  it('summarises unpunctuated speech by its pauses', () => {
    const said = [
      ['welcome to the weekly garden show', 0],
      ['today we are planting tomatoes in the greenhouse', 3.5],
      ['tomatoes need warmth and plenty of light', 8],
      ['water the tomatoes every morning', 11.5],
      ['next week we will prune the apple trees', 16],
    ] as const;
    const timed = said.map(([text, start]) => ({ start, end: start + 2.5, text }));
    const summary = extractiveSummary(
      { text: said.map(([text]) => text).join(' '), timed },
      en(20),
    );
    expect(summary).toBe(
      'Today we are planting tomatoes in the greenhouse. Tomatoes need warmth and plenty of light. Water the tomatoes every morning.',
    );
  });

  it('is empty for a text without words, and the same every time', () => {
    expect(extractiveSummary({ text: ' … ' }, en(60))).toBe('');
    expect(extractiveSummary({ text: BEES }, en(60))).toBe(
      extractiveSummary({ text: BEES }, en(60)),
    );
  });
});
