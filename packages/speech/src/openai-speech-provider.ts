import { open } from 'node:fs/promises';
import { MediaflowError } from '@mediaflow/contracts';
import { abortReason } from './abort-reason';
import { frameTime, planChunks, type AudioChunk } from './audio-chunks';
import { FRAME_SAMPLES, readSpeechAudio, type SpeechAudio } from './audio-levels';
import {
  segmentsOfTranscription,
  UntimedTranscriptionError,
  VerboseTranscriptionSchema,
} from './openai-transcription';
import { transcriptOf } from './transcript-segments';
import type {
  SpeechProvider,
  TranscribeOptions,
  Transcript,
  TranscriptSegment,
} from './transcript';
import { BYTES_PER_SAMPLE, wavHeader } from './wav-format';

export interface OpenAiSpeechSettings {
  /** Up to the API version, as OpenAI's SDKs take it: `https://api.openai.com/v1`, `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  /** Each call is given up after this long, as `provider_unavailable`. */
  timeoutMs: number;
}

/**
 * OpenAI takes files of at most 25 MB: 16 kHz 16-bit mono is 1.92 MB a
 * minute, so media longer than 10 minutes is sent in chunks of 8..10
 * minutes cut at a quiet moment, one after another.
 */
const CHUNKS = { minSeconds: 480, maxSeconds: 600, silenceDb: -55 };

/** Bytes of an error answer quoted in a message. */
const QUOTED_ANSWER_CHARS = 200;

/**
 * The `openai` provider: any service speaking OpenAI's `POST
 * /v1/audio/transcriptions` with `verbose_json` and word timestamps (OpenAI,
 * Groq, faster-whisper-server, whisper.cpp's server, LocalAI). Whatever goes
 * wrong on the provider's side (down, slow, 5xx, garbage) is
 * `provider_unavailable`, retried, and says which provider and why.
 */
export class OpenAiSpeechProvider implements SpeechProvider {
  readonly name: string;
  /** Also how messages name the provider: never with the key, nor credentials of the URL. */
  private readonly endpoint: string;

  constructor(private readonly settings: OpenAiSpeechSettings) {
    this.name = `openai (${settings.model})`;
    // fetch refuses a URL with credentials, and its error would quote them: the key has its own setting.
    this.endpoint = withoutCredentials(
      `${settings.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`,
    );
  }

  async transcribe(wavPath: string, options: TranscribeOptions): Promise<Transcript> {
    const audio = await readSpeechAudio(wavPath);
    const chunks = planChunks(audio.levels, CHUNKS);
    const segments: TranscriptSegment[] = [];
    for (const [i, chunk] of chunks.entries()) {
      if (!chunk.silent) {
        const wav = await readChunk(wavPath, audio, chunk);
        segments.push(...(await this.request(wav, frameTime(chunk.start), options)));
      }
      options.onProgress?.(Math.floor(((i + 1) * 100) / chunks.length));
    }
    return transcriptOf(options.language, segments);
  }

  private async request(
    wav: Buffer,
    offset: number,
    { language, signal }: TranscribeOptions,
  ): Promise<TranscriptSegment[]> {
    const form = new FormData();
    form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
    form.append('model', this.settings.model);
    form.append('language', language);
    form.append('response_format', 'verbose_json');
    form.append('timestamp_granularities[]', 'word');
    form.append('timestamp_granularities[]', 'segment');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;

    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    let status: number;
    let statusText: string;
    let body: string;
    try {
      const response = await fetch(this.endpoint, {
        method: 'POST',
        body: form,
        headers,
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'error',
      });
      ({ status, statusText } = response);
      body = await response.text();
    } catch (error) {
      if (signal.aborted) throw abortReason(signal);
      if (timeout.aborted) {
        throw this.unavailable(`did not answer within ${formatSeconds(this.settings.timeoutMs)}`);
      }
      throw this.unavailable(`cannot be reached (${networkReason(error)})`);
    }

    if (status >= 400) {
      const detail = `${status}${statusText ? ` ${statusText}` : ''}${quoteError(body)}`;
      if (status >= 500) throw this.unavailable(`answered ${detail}`);
      throw this.unavailable(
        `refused our request (${detail}): a problem with the request, not the provider being down; check MEDIAFLOW_SPEECH_MODEL and MEDIAFLOW_SPEECH_API_KEY`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw this.unavailable(`answered ${status} with malformed JSON${quote(body)}`);
    }
    const parsed = VerboseTranscriptionSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw this.unavailable(
        `answered JSON that is not a verbose transcription (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'unexpected shape'})`,
      );
    }
    try {
      return segmentsOfTranscription(parsed.data, offset);
    } catch (error) {
      if (!(error instanceof UntimedTranscriptionError)) throw error;
      throw this.unavailable(
        'answered a transcription without segment or word times (does it support response_format=verbose_json?)',
      );
    }
  }

  private unavailable(why: string): MediaflowError {
    return new MediaflowError(
      'provider_unavailable',
      `The speech provider at ${this.endpoint} ${why}`,
    );
  }
}

/** One chunk of the WAV as a WAV of its own. */
async function readChunk(wavPath: string, audio: SpeechAudio, chunk: AudioChunk): Promise<Buffer> {
  const first = chunk.start * FRAME_SAMPLES;
  const samples = Math.min(audio.sampleCount, chunk.end * FRAME_SAMPLES) - first;
  const data = Buffer.alloc(samples * BYTES_PER_SAMPLE);
  const file = await open(wavPath, 'r');
  try {
    await file.read(data, 0, data.length, audio.layout.dataOffset + first * BYTES_PER_SAMPLE);
  } finally {
    await file.close();
  }
  return Buffer.concat([wavHeader(samples), data]);
}

/** A URL with any user name and password taken out. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Why fetch could not talk to the server: ECONNREFUSED, ENOTFOUND, … rather than "fetch failed". */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** OpenAI's error envelope `{ "error": { "message" } }`, or the start of whatever came. */
function quoteError(body: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string' && message.trim() !== '') return quote(message);
  } catch {
    // Not JSON: quoted as it is.
  }
  return quote(body);
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line === '') return '';
  return `: ${line.length > QUOTED_ANSWER_CHARS ? `${line.slice(0, QUOTED_ANSWER_CHARS)}…` : line}`;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
