import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaflowError } from '@mediaflow/contracts';
import { runFfmpeg } from '@mediaflow/media';
import { OpenAiSpeechProvider } from './openai-speech-provider';
import { parseWavHeader } from './wav-format';

/** What the stand-in received: the multipart fields, as a real server parses them. */
interface Received {
  path: string;
  authorization: string | undefined;
  fields: Record<string, string[]>;
  file: { name: string; type: string; seconds: number };
}

type Behaviour = 'ok' | 'server_error' | 'slow' | 'malformed' | 'bad_request' | 'untimed';

/**
 * A faithful stand-in for OpenAI's `POST /v1/audio/transcriptions`: parses
 * the multipart body (with undici's own form-data parser, as a server would),
 * and answers as OpenAI documents: verbose_json with segments and words for
 * the audio it was sent, or OpenAI's error envelope.
 */
class TranscriptionStandIn {
  readonly received: Received[] = [];
  behaviour: Behaviour = 'ok';
  private readonly server: Server = createServer((req, res) => void this.answer(req, res));
  private readonly open = new Set<ServerResponse>();

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    for (const res of this.open) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = await new Request('http://stand-in', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: Buffer.concat(chunks),
    }).formData();
    const fields: Record<string, string[]> = {};
    let file: Received['file'] | undefined;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') (fields[name] ??= []).push(value);
      else {
        const bytes = Buffer.from(await value.arrayBuffer());
        const layout = parseWavHeader(bytes, bytes.length);
        file = {
          name: value.name,
          type: value.type,
          seconds: layout.dataBytes / 2 / layout.sampleRate,
        };
      }
    }
    this.received.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      fields,
      file: file!,
    });

    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    switch (this.behaviour) {
      case 'server_error':
        return json(500, {
          error: {
            message: 'The server had an error while processing your request.',
            type: 'server_error',
            param: null,
            code: null,
          },
        });
      case 'bad_request':
        return json(400, {
          error: {
            message:
              "Invalid language 'xx'. Language parameter must be specified in ISO-639-1 format.",
            type: 'invalid_request_error',
            param: 'language',
            code: 'invalid_language_format',
          },
        });
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end('{"task":"transcribe","text":"Hello th');
      case 'untimed':
        return json(200, { text: 'Hello there.' });
      case 'slow':
        // Never answers in time: the provider's timeout must end the call.
        return;
      case 'ok': {
        const seconds = file!.seconds;
        return json(200, {
          task: 'transcribe',
          language: 'english',
          duration: seconds,
          text: 'Hello there. How are you?',
          segments: [
            {
              id: 0,
              seek: 0,
              start: 0.0,
              end: 1.6,
              text: ' Hello there.',
              tokens: [50364, 2425],
              temperature: 0.0,
              avg_logprob: -0.25,
              compression_ratio: 0.9,
              no_speech_prob: 0.01,
            },
            {
              id: 1,
              seek: 0,
              start: 2.0,
              end: Math.min(seconds, 4.0),
              text: ' How are you?',
              tokens: [1012, 366],
              temperature: 0.0,
              avg_logprob: -0.25,
              compression_ratio: 0.9,
              no_speech_prob: 0.01,
            },
          ],
          words: [
            { word: 'Hello', start: 0.1, end: 0.6 },
            { word: 'there', start: 0.7, end: 1.5 },
            { word: 'How', start: 2.0, end: 2.4 },
            { word: 'are', start: 2.5, end: 2.9 },
            { word: 'you', start: 3.0, end: 3.9 },
          ],
        });
      }
    }
  }
}

async function tone(
  file: string,
  seconds: number,
  filter = 'sine=frequency=300:sample_rate=16000',
): Promise<string> {
  await runFfmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      `${filter}:duration=${seconds}`,
      '-ac',
      '1',
      '-c:a',
      'pcm_s16le',
      '-y',
      file,
    ],
    {
      signal: new AbortController().signal,
      timeoutMs: 60_000,
    },
  );
  return file;
}

describe('OpenAiSpeechProvider against a stand-in of /v1/audio/transcriptions', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'speech-openai-'));
  const standIn = new TranscriptionStandIn();
  let baseUrl: string;
  let wav: string;
  const options = () => ({ language: 'en', signal: new AbortController().signal });
  const provider = (timeoutMs = 5_000) =>
    new OpenAiSpeechProvider({ baseUrl, model: 'whisper-1', apiKey: 'sk-secret-key', timeoutMs });

  beforeAll(async () => {
    baseUrl = await standIn.start();
    wav = await tone(path.join(dir, 'speech.wav'), 5);
  });
  afterAll(async () => {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    standIn.behaviour = 'ok';
    standIn.received.length = 0;
  });

  it('sends the documented multipart request and maps verbose_json to the transcript', async () => {
    const progress: number[] = [];
    const transcript = await provider().transcribe(wav, {
      ...options(),
      onProgress: (p) => progress.push(p),
    });

    expect(standIn.received).toHaveLength(1);
    const [request] = standIn.received;
    expect(request).toEqual({
      path: '/v1/audio/transcriptions',
      authorization: 'Bearer sk-secret-key',
      fields: {
        model: ['whisper-1'],
        language: ['en'],
        response_format: ['verbose_json'],
        'timestamp_granularities[]': ['word', 'segment'],
      },
      file: { name: 'audio.wav', type: 'audio/wav', seconds: 5 },
    });
    expect(transcript).toEqual({
      language: 'en',
      text: 'Hello there. How are you?',
      segments: [
        {
          start: 0,
          end: 1.6,
          text: 'Hello there.',
          words: [
            { word: 'Hello', start: 0.1, end: 0.6 },
            { word: 'there', start: 0.7, end: 1.5 },
          ],
        },
        {
          start: 2,
          end: 4,
          text: 'How are you?',
          words: [
            { word: 'How', start: 2, end: 2.4 },
            { word: 'are', start: 2.5, end: 2.9 },
            { word: 'you', start: 3, end: 3.9 },
          ],
        },
      ],
    });
    expect(progress).toEqual([100]);
  });

  it('sends no key when none is configured, and a base URL with a trailing slash works', async () => {
    await new OpenAiSpeechProvider({
      baseUrl: `${baseUrl}/`,
      model: 'whisper-1',
      timeoutMs: 5_000,
    }).transcribe(wav, options());
    expect(standIn.received[0]).toMatchObject({
      path: '/v1/audio/transcriptions',
      authorization: undefined,
    });
  });

  it('sends more than 10 minutes in chunks, one request each, and moves the second chunk’s times', async () => {
    const long = await tone(path.join(dir, 'long.wav'), 660);
    const progress: number[] = [];
    const transcript = await provider().transcribe(long, {
      ...options(),
      onProgress: (p) => progress.push(p),
    });
    const sent = standIn.received.map((r) => r.file.seconds);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBeGreaterThanOrEqual(480);
    expect(sent[0]).toBeLessThanOrEqual(600);
    expect(sent[0]! + sent[1]!).toBeCloseTo(660, 1);
    expect(transcript.segments).toHaveLength(4);
    expect(transcript.segments[2]!.start).toBeCloseTo(sent[0]!, 2);
    expect(transcript.segments[2]!.words[0]!.start).toBeCloseTo(sent[0]! + 0.1, 2);
    expect(progress).toEqual([50, 100]);
  });

  it('sends nothing for silence, where Whisper would invent words', async () => {
    const quiet = await tone(path.join(dir, 'quiet.wav'), 3, 'anullsrc=r=16000:cl=mono');
    expect(await provider().transcribe(quiet, options())).toEqual({
      language: 'en',
      text: '',
      segments: [],
    });
    expect(standIn.received).toHaveLength(0);
  });

  async function failure(behaviour: Behaviour, timeoutMs = 5_000): Promise<MediaflowError> {
    standIn.behaviour = behaviour;
    const error = await provider(timeoutMs)
      .transcribe(wav, options())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaflowError);
    expect((error as MediaflowError).message).not.toContain('sk-secret-key');
    return error as MediaflowError;
  }

  it.each([
    [
      'a 500',
      'server_error',
      'answered 500 Internal Server Error: The server had an error while processing your request.',
    ],
    [
      'malformed JSON',
      'malformed',
      'answered 200 with malformed JSON: {"task":"transcribe","text":"Hello th',
    ],
    [
      'text without times',
      'untimed',
      'answered a transcription without segment or word times (does it support response_format=verbose_json?)',
    ],
    [
      'a 400 for our request',
      'bad_request',
      "refused our request (400 Bad Request: Invalid language 'xx'. Language parameter must be specified in ISO-639-1 format.): a problem with the request, not the provider being down; check MEDIAFLOW_SPEECH_MODEL and MEDIAFLOW_SPEECH_API_KEY",
    ],
  ] as const)(
    'fails provider_unavailable on %s, naming the provider and why',
    async (_, behaviour, why) => {
      const error = await failure(behaviour);
      expect(error.code).toBe('provider_unavailable');
      expect(error.message).toBe(`The speech provider at ${baseUrl}/audio/transcriptions ${why}`);
    },
  );

  it('gives up on a slow answer after its timeout, as provider_unavailable', async () => {
    const error = await failure('slow', 1_500);
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      message: `The speech provider at ${baseUrl}/audio/transcriptions did not answer within 1.5 s`,
    });
  });

  it('fails provider_unavailable when nothing listens', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const error = await new OpenAiSpeechProvider({
      baseUrl: `http://user:password@127.0.0.1:${port}/v1`,
      model: 'whisper-1',
      timeoutMs: 5_000,
    })
      .transcribe(wav, options())
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'provider_unavailable',
      message: `The speech provider at http://127.0.0.1:${port}/v1/audio/transcriptions cannot be reached (ECONNREFUSED)`,
    });
  });

  it('stops waiting when the task is cancelled, with the task’s reason rather than the provider’s', async () => {
    standIn.behaviour = 'slow';
    const abort = new AbortController();
    const running = provider(60_000).transcribe(wav, { language: 'en', signal: abort.signal });
    setTimeout(() => abort.abort(new MediaflowError('cancelled', 'The task was cancelled')), 300);
    await expect(running).rejects.toMatchObject({
      code: 'cancelled',
      message: 'The task was cancelled',
    });
  });
});
