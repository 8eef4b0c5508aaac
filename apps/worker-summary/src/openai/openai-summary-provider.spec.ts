import { MediaflowError } from '@mediaflow/contracts';
import { freePort } from '@mediaflow/testing';
import sharp from 'sharp';
import { apiError, OpenAiStandIn } from '@mediaflow/testing';
import type { SummaryRequest, TextToSummarise } from '../summary/summary-provider';
import { countWords } from '../summary/summary-text';
import {
  completionsUrl,
  OpenAiSummaryProvider,
  type OpenAiSummarySettings,
} from './openai-summary-provider';

const KEY = 'sk-test-0123456789abcdef';
const TRANSCRIPT: TextToSummarise = {
  source: 'transcript',
  text: 'Welcome to the river tour. Boats leave every hour from the old harbour.',
  language: 'en',
};

function request(over: Partial<SummaryRequest> = {}): SummaryRequest {
  return {
    maxWords: 40,
    style: 'paragraph',
    language: 'en',
    signal: new AbortController().signal,
    ...over,
  };
}

// The provider against a faithful stand-in of the protocol on 127.0.0.1.
describe('OpenAiSummaryProvider', () => {
  let standIn: OpenAiStandIn;

  beforeEach(async () => {
    standIn = await OpenAiStandIn.start();
  });
  afterEach(() => standIn.close());

  function provider(over: Partial<OpenAiSummarySettings> = {}): OpenAiSummaryProvider {
    return new OpenAiSummaryProvider({
      baseUrl: standIn.baseUrl,
      model: 'gpt-4o-mini',
      apiKey: KEY,
      timeoutMs: 5_000,
      vision: false,
      ...over,
    });
  }

  it('posts the model and the prompt to /v1/chat/completions and returns the answer', async () => {
    standIn.behaviour = {
      type: 'answer',
      content: 'Hourly boat tours leave from the old harbour.',
    };
    const summary = await provider().summariseText(TRANSCRIPT, request());
    expect(summary).toBe('Hourly boat tours leave from the old harbour.');

    expect(standIn.requests).toHaveLength(1);
    const [sent] = standIn.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(sent!.headers).toMatchObject({
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
    });
    expect(sent!.body).toEqual({
      model: 'gpt-4o-mini',
      stream: false,
      messages: [
        { role: 'system', content: expect.stringContaining('summary alone') },
        { role: 'user', content: expect.any(String) },
      ],
    });
    const prompt: string = sent!.body.messages[1].content;
    expect(prompt).toContain('at most 40 words');
    expect(prompt).toContain('as a single paragraph');
    expect(prompt).toContain('written in English');
    expect(prompt).toContain("a transcript of a recording's speech");
    expect(prompt.endsWith(TRANSCRIPT.text)).toBe(true);
    expect(provider().name).toBe('openai (gpt-4o-mini)');
  });

  it('asks for bullets in the language and makes bullets of what comes back; no key, no header', async () => {
    standIn.behaviour = {
      type: 'answer',
      content: 'Stündlich fahren Boote. Sie starten am alten Hafen.',
    };
    const summary = await provider({ apiKey: undefined }).summariseText(
      { ...TRANSCRIPT, source: 'track' },
      request({ style: 'bullets', language: 'de' }),
    );
    expect(summary).toBe('- Stündlich fahren Boote.\n- Sie starten am alten Hafen.');
    const [sent] = standIn.requests;
    expect(sent!.headers.authorization).toBeUndefined();
    const prompt: string = sent!.body.messages[1].content;
    expect(prompt).toContain('as a bullet list, one point per line, each line starting with "- "');
    expect(prompt).toContain('written in German');
    expect(prompt).toContain("a subtitle track's text");
  });

  it('holds a long answer to max_words, cut at a word boundary', async () => {
    const long = Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ');
    standIn.behaviour = { type: 'answer', content: long };
    const summary = await provider().summariseText(TRANSCRIPT, request({ maxWords: 12 }));
    expect(countWords(summary)).toBe(12);
    expect(summary).toBe(`${Array.from({ length: 12 }, (_, i) => `word${i}`).join(' ')}…`);
  });

  it('sends a picture as a base64 JPEG data URL only when the model can see', async () => {
    expect(provider().describeImage).toBeUndefined();

    standIn.behaviour = { type: 'answer', content: 'A red square on a white background.' };
    const jpeg = await sharp({
      create: { width: 64, height: 64, channels: 3, background: '#cc2222' },
    })
      .jpeg()
      .toBuffer();
    const seeing = provider({ vision: true });
    expect(await seeing.describeImage!(jpeg, request({ maxWords: 20 }))).toBe(
      'A red square on a white background.',
    );
    const content = standIn.requests[0]!.body.messages[1].content;
    expect(content).toEqual([
      {
        type: 'text',
        text: expect.stringContaining('Describe what this image shows in at most 20 words'),
      },
      { type: 'image_url', image_url: { url: expect.stringMatching(/^data:image\/jpeg;base64,/) } },
    ]);
    const sent = Buffer.from(content[1].image_url.url.split(',')[1], 'base64');
    expect(sent.equals(jpeg)).toBe(true);
    expect(await sharp(sent).metadata()).toMatchObject({ format: 'jpeg', width: 64 });
  });

  /** The provider_unavailable error, its message checked for the URL and never the key. */
  async function unavailable(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => {
        throw new Error('expected a provider_unavailable failure');
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaflowError);
    expect(error).toMatchObject({ code: 'provider_unavailable' });
    const { message } = error as MediaflowError;
    expect(message).not.toContain(KEY);
    return message;
  }

  it('fails a 500 with provider_unavailable naming the URL and the reason', async () => {
    standIn.behaviour = {
      type: 'status',
      status: 500,
      body: apiError(
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
      ),
    };
    expect(await unavailable(provider().summariseText(TRANSCRIPT, request()))).toBe(
      `The summary provider at ${standIn.baseUrl}/chat/completions is unavailable: answered 500 Internal Server Error: The server had an error while processing your request. Sorry about that!`,
    );
  });

  it('never repeats the key, even when the service echoes it', async () => {
    standIn.behaviour = {
      type: 'status',
      status: 401,
      body: apiError(
        `Incorrect API key provided: ${KEY}.`,
        'invalid_request_error',
        'invalid_api_key',
      ),
    };
    expect(await unavailable(provider().summariseText(TRANSCRIPT, request()))).toContain(
      'answered 401 Unauthorized: Incorrect API key provided: ***.',
    );
  });

  it('gives up on a slow answer after the timeout', async () => {
    standIn.behaviour = { type: 'silent' };
    expect(
      await unavailable(provider({ timeoutMs: 300 }).summariseText(TRANSCRIPT, request())),
    ).toContain('is unavailable: no answer within 300 ms');
  });

  it('gives up on an answer that stalls halfway through its body', async () => {
    standIn.behaviour = { type: 'stall-body' };
    expect(
      await unavailable(provider({ timeoutMs: 300 }).summariseText(TRANSCRIPT, request())),
    ).toContain('no answer within 300 ms');
  });

  it.each<[string, string, string]>([
    ['malformed JSON', '{"choices": [', 'answered with malformed JSON ({"choices": [)'],
    ['no choices', '{"object": "list", "data": []}', 'answered without choices'],
    [
      'an empty summary',
      JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content: '  ' } }] }),
      'answered with an empty summary',
    ],
    [
      'a refusal',
      JSON.stringify({
        choices: [
          { index: 0, message: { role: 'assistant', content: null, refusal: 'I cannot help.' } },
        ],
      }),
      'refused: I cannot help.',
    ],
  ])('fails an answer with %s', async (_, body, reason) => {
    standIn.behaviour = { type: 'raw', body };
    expect(await unavailable(provider().summariseText(TRANSCRIPT, request()))).toContain(reason);
  });

  it('fails when nothing listens at the URL', async () => {
    const port = await freePort();
    const message = await unavailable(
      provider({ baseUrl: `http://127.0.0.1:${port}/v1` }).summariseText(TRANSCRIPT, request()),
    );
    expect(message).toBe(
      `The summary provider at http://127.0.0.1:${port}/v1/chat/completions is unavailable: connection refused (ECONNREFUSED)`,
    );
  });

  it("fails with the task's own error when the task is cancelled meanwhile", async () => {
    standIn.behaviour = { type: 'silent' };
    const controller = new AbortController();
    const pending = provider().summariseText(TRANSCRIPT, request({ signal: controller.signal }));
    setTimeout(
      () => controller.abort(new MediaflowError('cancelled', 'The task was cancelled')),
      50,
    );
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('answers a 503 with a plain-text body by quoting it', async () => {
    standIn.behaviour = { type: 'status', status: 503, body: 'overloaded' };
    expect(await unavailable(provider().summariseText(TRANSCRIPT, request()))).toContain(
      `at ${standIn.baseUrl}/chat/completions is unavailable: answered 503 Service Unavailable: "overloaded"`,
    );
  });

  it('refuses a base URL with credentials, which the error would repeat', () => {
    expect(() => provider({ baseUrl: 'http://ann:secret@127.0.0.1:1/v1' })).toThrow(
      'must not hold credentials',
    );
  });
});

describe('completionsUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'https://api.openai.com/v1/chat/completions'],
    ['http://127.0.0.1:11434/v1/', 'http://127.0.0.1:11434/v1/chat/completions'],
    ['http://vllm:8000/openai/v1', 'http://vllm:8000/openai/v1/chat/completions'],
  ])('%s → %s', (base, url) => {
    expect(completionsUrl(base)).toBe(url);
  });
});
