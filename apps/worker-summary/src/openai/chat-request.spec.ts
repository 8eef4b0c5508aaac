import { countWords } from '../summary/summary-text';
import { imageChatRequest, languageName, MAX_PROMPT_WORDS, textChatRequest } from './chat-request';

describe('languageName', () => {
  it.each([
    ['en', 'English'],
    ['de', 'German'],
    ['ja', 'Japanese'],
    ['zz', 'zz'],
  ])('%s → %s', (code, name) => {
    expect(languageName(code)).toBe(name);
  });
});

describe('textChatRequest', () => {
  it('asks for the length, form and language, and gives the text', () => {
    const body = textChatRequest(
      'llama3.2',
      { source: 'track', text: '  Hello there.  ' },
      { maxWords: 25, style: 'bullets', language: 'fr' },
    );
    expect(body).toEqual({
      model: 'llama3.2',
      stream: false,
      messages: [
        { role: 'system', content: expect.stringContaining('Answer with the summary alone') },
        {
          role: 'user',
          content:
            "Summarise the following, which is a subtitle track's text, in at most 25 words, " +
            'as a bullet list, one point per line, each line starting with "- ", written in French.\n\nHello there.',
        },
      ],
    });
  });

  it('sends the best sentences of a text too long for a model’s context, saying so', () => {
    const sentence = (i: number) =>
      `Sentence number ${i} talks about topic ${i % 7} at some length here.`;
    const text = Array.from({ length: 1500 }, (_, i) => sentence(i)).join(' ');
    const prompt = textChatRequest(
      'm',
      { source: 'transcript', text },
      { maxWords: 60, style: 'paragraph', language: 'en' },
    ).messages[1]!.content as string;
    const [instruction, excerpt] = prompt.split('\n\n');
    expect(instruction).toContain(
      "the most representative sentences of a transcript of a recording's speech",
    );
    expect(countWords(excerpt!)).toBeLessThanOrEqual(MAX_PROMPT_WORDS);
    expect(countWords(excerpt!)).toBeGreaterThan(MAX_PROMPT_WORDS - 20);
  });
});

describe('imageChatRequest', () => {
  it('sends the instruction and the picture as a data URL', () => {
    const body = imageChatRequest('gpt-4o', Buffer.from([0xff, 0xd8, 0xff]), {
      maxWords: 30,
      style: 'paragraph',
      language: 'en',
    });
    expect(body.messages[1]).toEqual({
      role: 'user',
      content: [
        {
          type: 'text',
          text: 'Describe what this image shows in at most 30 words, as a single paragraph, written in English.',
        },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
      ],
    });
  });
});
