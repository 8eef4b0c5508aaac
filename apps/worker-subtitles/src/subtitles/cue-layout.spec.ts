import type { CaptionWord } from './caption-words';
import { DEFAULT_CUE_RULES, layoutCues, type Cue, type CueRules } from './cue-layout';

/** Words of a text, one every `step` seconds, each lasting 80 % of it, from `from`. */
function say(text: string, from = 0, step = 0.4): CaptionWord[] {
  return text.split(' ').map((word, i) => ({
    text: word,
    start: round(from + i * step),
    end: round(from + i * step + step * 0.8),
    sentenceEnd: /[.!?]$/.test(word),
  }));
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

const rules = (overrides: Partial<CueRules> = {}): CueRules => ({
  ...DEFAULT_CUE_RULES,
  ...overrides,
});

describe('layoutCues', () => {
  it.each<[string, CaptionWord[], Partial<CueRules>, number | null, Cue[]]>([
    ['no words: no cues', [], {}, null, []],
    [
      'one short phrase: one cue, from its first word to its last plus a little for reading',
      say('hello there'),
      {},
      null,
      [{ start: 0, end: 1.22, lines: ['hello there'] }],
    ],
    [
      'a short cue stays up for the least time',
      say('hi'),
      {},
      null,
      [{ start: 0, end: 1, lines: ['hi'] }],
    ],
    [
      'lines filled up to the length, then a second line, then a new cue',
      say('one two three four five six seven eight nine'),
      { maxLineLength: 13 },
      null,
      [
        { start: 0, end: 2.4, lines: ['one two three', 'four five six'] },
        { start: 2.4, end: 4.02, lines: ['seven eight', 'nine'] },
      ],
    ],
    [
      'a sentence’s end starts a new line, and a new cue when the lines are full',
      say('Hello world. How are you? Fine.'),
      {},
      null,
      [
        { start: 0, end: 2, lines: ['Hello world.', 'How are you?'] },
        { start: 2, end: 3, lines: ['Fine.'] },
      ],
    ],
    [
      'one line per cue',
      say('Hello world. How are you?'),
      { maxLines: 1 },
      null,
      [
        { start: 0, end: 0.8, lines: ['Hello world.'] },
        { start: 0.8, end: 2.42, lines: ['How are you?'] },
      ],
    ],
    [
      'a long pause ends the cue; the reading time never reaches into the next',
      [...say('before the pause'), ...say('after', 2.3)],
      {},
      null,
      [
        { start: 0, end: 1.62, lines: ['before the pause'] },
        { start: 2.3, end: 3.3, lines: ['after'] },
      ],
    ],
    [
      'no cue longer than 7 s, even with room on its lines',
      say('a b c d e f g h i j', 0, 1),
      { maxLineLength: 80 },
      null,
      [
        { start: 0, end: 7, lines: ['a b c d e f g'] },
        { start: 7, end: 10.3, lines: ['h i j'] },
      ],
    ],
    [
      'a word longer than 7 s is cut off at 7 s',
      [{ text: 'ooooh', start: 1, end: 10, sentenceEnd: false }],
      {},
      null,
      [{ start: 1, end: 8, lines: ['ooooh'] }],
    ],
    [
      'never past the media’s end; words after it dropped',
      [...say('near the end', 8.5), { text: 'beyond', start: 10.2, end: 10.5, sentenceEnd: false }],
      {},
      10,
      [{ start: 8.5, end: 10, lines: ['near the end'] }],
    ],
    [
      'a word longer than a line is cut into line-long pieces',
      [{ text: 'supercalifragilisticexpialidocious', start: 0, end: 3.4, sentenceEnd: true }],
      { maxLineLength: 20 },
      null,
      [{ start: 0, end: 3.9, lines: ['supercalifragilistic', 'expialidocious'] }],
    ],
    [
      'overlapping word times never give overlapping cues',
      [
        { text: 'first.', start: 0, end: 1.5, sentenceEnd: true },
        { text: 'second', start: 1.2, end: 2, sentenceEnd: false },
      ],
      { maxLines: 1 },
      null,
      [
        { start: 0, end: 1.2, lines: ['first.'] },
        { start: 1.2, end: 2.5, lines: ['second'] },
      ],
    ],
  ])('%s', (_, words, overrides, duration, expected) => {
    expect(layoutCues(words, rules(overrides), duration)).toEqual(expected);
  });

  it('keeps every rule on a long transcript, whatever the settings', () => {
    const text = Array.from({ length: 300 }, (_, i) =>
      i % 17 === 16
        ? 'end.'
        : ['the', 'captioning', 'of', 'speech', 'is', 'extraordinarily', 'useful'][i % 7]!,
    ).join(' ');
    // Irregular timing: pauses of up to 1.5 s now and then.
    const words = say(text, 0.3, 0.35).map((word, i) => {
      const shift = Math.floor(i / 23) * 1.5;
      return { ...word, start: word.start + shift, end: word.end + shift };
    });
    const duration = words[words.length - 1]!.end + 0.2;
    for (const [maxLineLength, maxLines] of [
      [20, 1],
      [42, 2],
      [80, 3],
    ] as const) {
      const cues = layoutCues(words, rules({ maxLineLength, maxLines }), duration);
      let previousEnd = 0;
      for (const cue of cues) {
        expect(cue.start).toBeGreaterThanOrEqual(previousEnd);
        expect(cue.end).toBeGreaterThan(cue.start);
        // In whole milliseconds, as the files give them.
        expect(Math.round((cue.end - cue.start) * 1000)).toBeLessThanOrEqual(7000);
        expect(cue.end).toBeLessThanOrEqual(duration);
        expect(cue.lines.length).toBeLessThanOrEqual(maxLines);
        for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(maxLineLength);
        previousEnd = cue.end;
      }
      // Every word shown once, in order.
      expect(cues.flatMap((cue) => cue.lines.join(' ').split(' '))).toEqual(text.split(' '));
    }
  });
});
