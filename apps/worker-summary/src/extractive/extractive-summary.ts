import {
  countWords,
  formatSummary,
  truncateWords,
  type SummaryStyle,
} from '../summary/summary-text';
import { sentencesOf, type SourceText } from './sentences';
import { contentWords, rankSentences } from './textrank';

export interface ExtractiveOptions {
  maxWords: number;
  style: SummaryStyle;
  /** ISO 639-1: English leaves its stop words out of the comparison. */
  language: string;
}

/**
 * An extractive summary: the text's sentences ranked by TextRank, taken best
 * first when they fit whole in what is left of `maxWords` (one that does not
 * fit is passed over for the next that does), and shown in their original
 * order. Only when even the best sentence is longer than `maxWords` is it
 * cut, at a word boundary with `…`: the summary never has more than
 * `maxWords` words, and never a cut sentence in its middle. Repeated
 * sentences count once. Empty when the text has no words.
 */
export function extractiveSummary(source: SourceText, options: ExtractiveOptions): string {
  const sentences = distinct(sentencesOf(source), options.language);
  const ranked = rankSentences(sentences, options.language);
  const chosen: number[] = [];
  let left = options.maxWords;
  for (const index of ranked) {
    const words = countWords(sentences[index]!);
    if (words > left) continue;
    chosen.push(index);
    left -= words;
  }
  if (chosen.length === 0 && ranked.length > 0)
    return formatSummary([truncateWords(sentences[ranked[0]!]!, options.maxWords)], options.style);
  chosen.sort((a, b) => a - b);
  return formatSummary(
    chosen.map((index) => sentences[index]!),
    options.style,
  );
}

/** The sentences without repeats (a recogniser's or a rolling caption's), first occurrence kept. */
function distinct(sentences: string[], language: string): string[] {
  const seen = new Set<string>();
  return sentences.filter((sentence) => {
    const key = contentWords(sentence, language).join(' ') || sentence.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
