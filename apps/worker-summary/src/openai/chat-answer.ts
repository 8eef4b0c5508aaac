import { splitSentences } from '../extractive/sentences';
import { formatSummary, limitWords, type SummaryStyle } from '../summary/summary-text';

/**
 * Reads a chat completion (`{ choices: [ { message: { content } } ] }`,
 * OpenAI's documented shape) into the summary it holds. Throws with a short
 * reason when the answer is not that shape or says nothing.
 */
export function chatAnswerText(body: string): string {
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    throw new Error(`answered with malformed JSON (${excerpt(body)})`);
  }
  const choices = (answer as { choices?: unknown })?.choices;
  if (!Array.isArray(choices)) throw new Error(`answered without choices (${excerpt(body)})`);
  const message = (choices[0] as { message?: { content?: unknown; refusal?: unknown } })?.message;
  if (typeof message?.refusal === 'string' && message.refusal.trim())
    throw new Error(`refused: ${excerpt(message.refusal)}`);
  const content = message?.content;
  // A few servers answer with content parts, as requests may send them.
  const text =
    typeof content === 'string'
      ? content
      : Array.isArray(content)
        ? content
            .map((part: { type?: unknown; text?: unknown }) =>
              part?.type === 'text' && typeof part.text === 'string' ? part.text : '',
            )
            .join('')
        : '';
  // Reasoning models served by Ollama and vLLM may think aloud first.
  const said = text.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
  if (!said) throw new Error('answered with an empty summary');
  return said;
}

const MARKER = /^\s*(?:[-*•]|\d{1,2}[.)])\s+/;

/**
 * A model's summary in the asked style and within `maxWords`: bullets as
 * `- ` lines (a paragraph given for bullets is split at its sentences), a
 * paragraph as one line; cut at a word boundary with `…` when too long.
 */
export function normaliseSummary(text: string, style: SummaryStyle, maxWords: number): string {
  const lines = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(MARKER, '').replace(/\*\*/g, '').trim())
    .filter(Boolean);
  const points = style === 'bullets' && lines.length === 1 ? splitSentences(lines[0]!) : lines;
  return limitWords(formatSummary(points, style), maxWords);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 120)}…` : flat || 'nothing';
}
