import { chatAnswerText, normaliseSummary } from './chat-answer';

const completion = (content: unknown) =>
  JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] });

describe('chatAnswerText', () => {
  it('reads the first choice’s content', () => {
    expect(chatAnswerText(completion('  The summary.\n'))).toBe('The summary.');
  });

  it('reads content parts, and drops a reasoning model’s thinking', () => {
    expect(
      chatAnswerText(
        completion([
          { type: 'text', text: 'Part one, ' },
          { type: 'text', text: 'part two.' },
        ]),
      ),
    ).toBe('Part one, part two.');
    expect(
      chatAnswerText(completion('<think>\nThe user wants…\n</think>\n\nBoats leave hourly.')),
    ).toBe('Boats leave hourly.');
  });

  it.each([
    ['not JSON', 'Bad Gateway', 'answered with malformed JSON (Bad Gateway)'],
    ['no choices', '{"error": null}', 'answered without choices'],
    ['null content', completion(null), 'answered with an empty summary'],
    ['only thinking', completion('<think>hmm</think>'), 'answered with an empty summary'],
    ['an empty body', '', 'answered with malformed JSON (nothing)'],
  ])('refuses %s', (_, body, reason) => {
    expect(() => chatAnswerText(body)).toThrow(reason);
  });
});

describe('normaliseSummary', () => {
  it.each<[string, string, 'paragraph' | 'bullets', number, string]>([
    [
      'markdown bullets',
      '* **Boats** leave hourly\n* Tickets cost 5 euros',
      'bullets',
      60,
      '- Boats leave hourly\n- Tickets cost 5 euros',
    ],
    [
      'numbered points',
      '1. First point.\n2) Second point.',
      'bullets',
      60,
      '- First point.\n- Second point.',
    ],
    [
      'a paragraph asked as bullets',
      'Boats leave hourly. Tickets cost 5 euros.',
      'bullets',
      60,
      '- Boats leave hourly.\n- Tickets cost 5 euros.',
    ],
    [
      'bullets asked as a paragraph',
      '- Boats leave hourly.\n- Tickets cost 5 euros.',
      'paragraph',
      60,
      'Boats leave hourly. Tickets cost 5 euros.',
    ],
    [
      'line breaks in a paragraph',
      'Boats leave\r\nhourly.\n\nAll year.',
      'paragraph',
      60,
      'Boats leave hourly. All year.',
    ],
    [
      'too many words',
      '- one two three\n- four five six',
      'bullets',
      4,
      '- one two three\n- four…',
    ],
  ])('%s', (_, text, style, maxWords, expected) => {
    expect(normaliseSummary(text, style, maxWords)).toBe(expected);
  });
});
