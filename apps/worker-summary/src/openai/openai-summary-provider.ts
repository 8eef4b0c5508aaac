import { MediaflowError } from '@mediaflow/contracts';
import type { SummaryProvider, SummaryRequest, TextToSummarise } from '../summary/summary-provider';
import { chatAnswerText, normaliseSummary } from './chat-answer';
import { imageChatRequest, textChatRequest, type ChatRequest } from './chat-request';

export interface OpenAiSummarySettings {
  /** Up to the API version, as OpenAI's SDKs take it: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; local servers need none. */
  apiKey?: string;
  /** Each call's limit. */
  timeoutMs: number;
  /** Whether the model accepts images. */
  vision: boolean;
}

/**
 * Summaries from any OpenAI-compatible `/v1/chat/completions` service
 * (OpenAI, Ollama, vLLM, …), and descriptions of pictures when the model can
 * see. Whatever goes wrong on the way (refused, 5xx, no answer in time,
 * garbage) is `provider_unavailable` naming the URL and why; never the key.
 */
export class OpenAiSummaryProvider implements SummaryProvider {
  readonly name: string;
  readonly describeImage?: (jpeg: Buffer, request: SummaryRequest) => Promise<string>;
  private readonly url: string;

  constructor(private readonly settings: OpenAiSummarySettings) {
    this.name = `openai (${settings.model})`;
    this.url = completionsUrl(settings.baseUrl);
    // fetch refuses them, and its complaint would repeat them in the task's error.
    const { username, password } = new URL(this.url);
    if (username || password)
      throw new Error('The summary base URL must not hold credentials; give the key as apiKey');
    if (settings.vision) {
      this.describeImage = (jpeg, request) =>
        this.complete(imageChatRequest(settings.model, jpeg, request), request);
    }
  }

  summariseText(text: TextToSummarise, request: SummaryRequest): Promise<string> {
    return this.complete(textChatRequest(this.settings.model, text, request), request);
  }

  private async complete(body: ChatRequest, request: SummaryRequest): Promise<string> {
    const deadline = AbortSignal.timeout(this.settings.timeoutMs);
    const signal = AbortSignal.any([request.signal, deadline]);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (this.settings.apiKey) headers.authorization = `Bearer ${this.settings.apiKey}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal,
        // A redirect would re-send the prompt (and the key) elsewhere: configure the final URL.
        redirect: 'error',
      });
      // The body is read under the same deadline: a server may stall halfway.
      text = await response.text();
    } catch (error) {
      // The task's own abort (cancel, task timeout) is the task's error, not the provider's.
      if (request.signal.aborted) throw request.signal.reason;
      if (deadline.aborted)
        throw this.unavailable(`no answer within ${this.settings.timeoutMs} ms`);
      throw this.unavailable(failureReason(error));
    }
    if (!response.ok)
      throw this.unavailable(
        `answered ${response.status} ${statusReason(text, response.statusText)}`,
      );
    let answer: string;
    try {
      answer = chatAnswerText(text);
    } catch (error) {
      throw this.unavailable((error as Error).message);
    }
    return normaliseSummary(answer, request.style, request.maxWords);
  }

  private unavailable(why: string): MediaflowError {
    const { apiKey } = this.settings;
    const said = apiKey ? why.split(apiKey).join('***') : why;
    return new MediaflowError(
      'provider_unavailable',
      `The summary provider at ${this.url} is unavailable: ${said}`,
    );
  }
}

/** `<base>/chat/completions`, the base taken as OpenAI's SDKs take it (with its `/v1`). */
export function completionsUrl(baseUrl: string): string {
  return new URL('chat/completions', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).toString();
}

/** Why a request got no answer: `connection refused (ECONNREFUSED)`, `getaddrinfo ENOTFOUND … (ENOTFOUND)`. */
function failureReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (cause?.code) return `${cause.message ?? 'the request failed'} (${cause.code})`;
  if (cause?.message) return cause.message;
  return (error as Error)?.message ?? String(error);
}

/** An error answer's message: OpenAI's `{ error: { message } }`, else its first words. */
function statusReason(body: string, statusText: string): string {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } })?.error?.message;
    if (typeof message === 'string' && message.trim())
      return `${statusText}: ${message.trim().slice(0, 200)}`;
  } catch {
    // Not JSON: its text says what it can.
  }
  const text = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return text ? `${statusText}: ${text}` : statusText;
}
