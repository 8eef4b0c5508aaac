import {
  segmentsOfTranscription,
  spreadWords,
  UntimedTranscriptionError,
  VerboseTranscriptionSchema,
  type VerboseTranscription,
} from './openai-transcription';

// The shape OpenAI documents for response_format=verbose_json with
// timestamp_granularities[]=word and segment (fields trimmed to the read ones
// plus a few that must pass).
const OPENAI_ANSWER = {
  task: 'transcribe',
  language: 'english',
  duration: 4.2,
  text: 'Hello there. How are you?',
  segments: [
    {
      id: 0,
      seek: 0,
      start: 0.0,
      end: 1.6,
      text: ' Hello there.',
      tokens: [50364],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 0.8,
      no_speech_prob: 0.01,
    },
    {
      id: 1,
      seek: 0,
      start: 2.0,
      end: 4.0,
      text: ' How are you?',
      tokens: [50464],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 0.8,
      no_speech_prob: 0.01,
    },
  ],
  words: [
    { word: 'Hello', start: 0.0, end: 0.6 },
    { word: 'there', start: 0.7, end: 1.5 },
    { word: 'How', start: 2.0, end: 2.4 },
    { word: 'are', start: 2.5, end: 2.9 },
    { word: 'you', start: 3.0, end: 3.9 },
  ],
};

function parse(answer: unknown): VerboseTranscription {
  return VerboseTranscriptionSchema.parse(answer);
}

describe('segmentsOfTranscription', () => {
  it('gives each segment the top-level words that fall in it, times moved by the chunk’s offset', () => {
    expect(segmentsOfTranscription(parse(OPENAI_ANSWER), 600)).toEqual([
      {
        start: 600,
        end: 601.6,
        text: 'Hello there.',
        words: [
          { word: 'Hello', start: 600, end: 600.6 },
          { word: 'there', start: 600.7, end: 601.5 },
        ],
      },
      {
        start: 602,
        end: 604,
        text: 'How are you?',
        words: [
          { word: 'How', start: 602, end: 602.4 },
          { word: 'are', start: 602.5, end: 602.9 },
          { word: 'you', start: 603, end: 603.9 },
        ],
      },
    ]);
  });

  it.each([
    [
      'words nested in segments (whisper.cpp, faster-whisper), spaces trimmed, probability as confidence',
      {
        text: ' Hi all.',
        segments: [
          {
            start: 0.5,
            end: 1.5,
            text: ' Hi all.',
            words: [
              { word: ' Hi', start: 0.5, end: 0.8, probability: 0.9 },
              { word: ' all.', start: 0.9, end: 1.4, probability: 0.7 },
            ],
          },
        ],
      },
      [
        [
          0.5,
          1.5,
          'Hi all.',
          [
            ['Hi', 0.5, 0.8, 0.9],
            ['all.', 0.9, 1.4, 0.7],
          ],
        ],
      ],
    ],
    [
      'a word after the last segment’s end goes to the last segment',
      {
        text: 'a b',
        segments: [{ start: 0, end: 1, text: 'a b' }],
        words: [
          { word: 'a', start: 0, end: 0.5 },
          { word: 'b', start: 1.2, end: 1.4 },
        ],
      },
      [
        [
          0,
          1,
          'a b',
          [
            ['a', 0, 0.5, undefined],
            ['b', 1.2, 1.4, undefined],
          ],
        ],
      ],
    ],
    [
      'no word times at all: words spread over their segment by length',
      { text: 'ab cd', segments: [{ start: 1, end: 2.2, text: 'ab cdef' }] },
      [
        [
          1,
          2.2,
          'ab cdef',
          [
            ['ab', 1, 1.343, undefined],
            ['cdef', 1.514, 2.2, undefined],
          ],
        ],
      ],
    ],
    [
      'words but no segments: grouped at pauses',
      {
        text: 'one two',
        words: [
          { word: 'one', start: 0, end: 0.4 },
          { word: 'two', start: 2, end: 2.3 },
        ],
      },
      [
        [0, 0.4, 'one', [['one', 0, 0.4, undefined]]],
        [2, 2.3, 'two', [['two', 2, 2.3, undefined]]],
      ],
    ],
    [
      'empty segments dropped; nothing said is no segment',
      { text: '', segments: [{ start: 0, end: 3, text: '  ' }], words: [] },
      [],
    ],
    ['silence: no text, no segments', { text: '' }, []],
  ])('%s', (_, answer, expected) => {
    const segments = segmentsOfTranscription(parse(answer), 0);
    expect(
      segments.map((s) => [
        s.start,
        s.end,
        s.text,
        s.words.map((w) => [w.word, w.start, w.end, w.confidence]),
      ]),
    ).toEqual(expected);
  });

  it('refuses text without any time: the server ignored verbose_json', () => {
    expect(() => segmentsOfTranscription(parse({ text: 'Hello there.' }), 0)).toThrow(
      UntimedTranscriptionError,
    );
  });

  it('refuses the wrong shape through its schema', () => {
    expect(VerboseTranscriptionSchema.safeParse({ segments: [] }).success).toBe(false);
    expect(
      VerboseTranscriptionSchema.safeParse({
        text: 'x',
        segments: [{ start: '0', end: 1, text: 'x' }],
      }).success,
    ).toBe(false);
  });
});

describe('spreadWords', () => {
  it('gives each word a share of the time by its characters, in order, within the span', () => {
    const words = spreadWords('I am here', 10, 20);
    expect(words.map((w) => w.word)).toEqual(['I', 'am', 'here']);
    expect(words[0]!.start).toBe(10);
    expect(words[2]!.end).toBe(20);
    for (let i = 1; i < words.length; i++)
      expect(words[i]!.start).toBeGreaterThanOrEqual(words[i - 1]!.end);
    expect(spreadWords('   ', 0, 1)).toEqual([]);
  });
});
