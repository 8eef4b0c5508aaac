import { extractiveSummary } from '../extractive/extractive-summary';
import type { SummaryRequest, TextToSummarise } from '../summary/summary-provider';
import { countWords } from '../summary/summary-text';

/**
 * The body of an OpenAI `POST /v1/chat/completions` request: only `model`
 * and `messages`, which every compatible server (OpenAI, Ollama, vLLM, …)
 * takes; `max_tokens` and `temperature` are left out because newer OpenAI
 * models refuse them. The length is asked for in the prompt and enforced on
 * the answer.
 */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: false;
}

export type ChatContentPart =
  { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatMessage {
  role: 'system' | 'user';
  content: string | ChatContentPart[];
}

/** Longer texts are cut to their best sentences first: any model's context holds this many. */
export const MAX_PROMPT_WORDS = 6000;

const SYSTEM_PROMPT =
  'You summarise media for a media-processing service. Answer with the summary alone: ' +
  'no preamble, no title, no quotation marks, and no markdown except the "- " bullets when asked for.';

const SOURCE_NAMES: Record<TextToSummarise['source'], string> = {
  transcript: "a transcript of a recording's speech",
  track: "a subtitle track's text",
};

/** `de` → `German`; a code the runtime does not know stays as it is. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function instructions(request: Pick<SummaryRequest, 'maxWords' | 'style' | 'language'>): string {
  const form =
    request.style === 'bullets'
      ? 'as a bullet list, one point per line, each line starting with "- "'
      : 'as a single paragraph';
  return `in at most ${request.maxWords} words, ${form}, written in ${languageName(request.language)}`;
}

export function textChatRequest(
  model: string,
  text: TextToSummarise,
  request: Pick<SummaryRequest, 'maxWords' | 'style' | 'language'>,
): ChatRequest {
  let body = text.text.trim();
  let what = SOURCE_NAMES[text.source];
  if (countWords(body) > MAX_PROMPT_WORDS) {
    body = extractiveSummary(text, {
      maxWords: MAX_PROMPT_WORDS,
      style: 'paragraph',
      language: text.language ?? request.language,
    });
    what = `the most representative sentences of ${what}, in their order`;
  }
  return {
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      {
        role: 'user',
        content: `Summarise the following, which is ${what}, ${instructions(request)}.\n\n${body}`,
      },
    ],
    stream: false,
  };
}

export function imageChatRequest(
  model: string,
  jpeg: Buffer,
  request: Pick<SummaryRequest, 'maxWords' | 'style' | 'language'>,
): ChatRequest {
  return {
    model,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      {
        role: 'user',
        content: [
          { type: 'text', text: `Describe what this image shows ${instructions(request)}.` },
          {
            type: 'image_url',
            image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` },
          },
        ],
      },
    ],
    stream: false,
  };
}
