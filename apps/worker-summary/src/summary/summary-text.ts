/**
 * How summaries count and cut words, shared by every provider so that
 * `max_words` means the same whoever wrote the summary: a word is a
 * whitespace-separated token with a letter or a digit in it (a lone dash is
 * not a word), and a bullet's marker is not one either.
 */

export type SummaryStyle = 'paragraph' | 'bullets';

const WORD = /[\p{L}\p{N}]/u;
/** A list marker at the start of a line: `- `, `* `, `• `, `1. `, `2) `. */
const LIST_MARKER = /^\s*(?:[-*•]|\d{1,2}[.)])\s+/;

export function isWord(token: string): boolean {
  return WORD.test(token);
}

export function countWords(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) {
    for (const token of line.replace(LIST_MARKER, '').split(/\s+/)) if (isWord(token)) count++;
  }
  return count;
}

/**
 * The first `maxWords` words of one sentence, cut at a word boundary; `…`
 * marks the cut unless it fell right after a sentence's end.
 */
export function truncateWords(sentence: string, maxWords: number): string {
  const tokens = sentence.trim().split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  let words = 0;
  for (const token of tokens) {
    if (isWord(token)) {
      if (words === maxWords) break;
      words++;
    }
    kept.push(token);
  }
  if (kept.length === tokens.length) return kept.join(' ');
  // Trailing dashes and the like belong to what was cut.
  while (kept.length > 0 && !isWord(kept[kept.length - 1]!)) kept.pop();
  return withEllipsis(kept.join(' '));
}

/**
 * `text` with at most `maxWords` words, its lines (bullets) kept; the line
 * that reaches the limit is cut at a word boundary with `…` and the lines
 * after it dropped. Text within the limit comes back unchanged.
 */
export function limitWords(text: string, maxWords: number): string {
  if (countWords(text) <= maxWords) return text;
  const lines: string[] = [];
  let left = maxWords;
  for (const line of text.split('\n')) {
    const marker = LIST_MARKER.exec(line)?.[0] ?? '';
    const body = line.slice(marker.length);
    const words = countWords(body);
    if (words <= left) {
      lines.push(line);
      left -= words;
      continue;
    }
    if (left > 0) lines.push(marker + truncateWords(body, left));
    break;
  }
  return lines.join('\n').trimEnd();
}

/**
 * Whole sentences, in order, while they fit in `maxWords`: the first is cut
 * to fit if it must, and the ones after the first that does not fit are left out.
 */
export function fitSentences(sentences: readonly string[], maxWords: number): string[] {
  const fitted: string[] = [];
  let left = maxWords;
  for (const sentence of sentences) {
    const words = countWords(sentence);
    if (words <= left) {
      fitted.push(sentence);
      left -= words;
    } else {
      if (fitted.length === 0) fitted.push(truncateWords(sentence, maxWords));
      break;
    }
  }
  return fitted;
}

/** One `- ` line per sentence, or one paragraph. */
export function formatSummary(sentences: readonly string[], style: SummaryStyle): string {
  return style === 'bullets' ? sentences.map((s) => `- ${s}`).join('\n') : sentences.join(' ');
}

function withEllipsis(text: string): string {
  if (/[.!?]["'”’)\]]*$/.test(text)) return text;
  return `${text.replace(/[\s,;:–—-]+$/, '')}…`;
}
