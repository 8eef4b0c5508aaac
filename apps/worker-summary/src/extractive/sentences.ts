import { countWords, isWord } from '../summary/summary-text';

/**
 * Sentences out of running text, for ranking. Text from people and from
 * Whisper-like recognisers is punctuated; text from pocketsphinx is not, and
 * is cut into pseudo-sentences at the speaker's pauses instead.
 */

/** A piece of text with its times in seconds: a transcript's word or segment, a track's cue. */
export interface TimedText {
  start: number;
  end: number;
  text: string;
}

/** Longer than this, a "sentence" is a run-on and is cut into pieces. */
export const MAX_SENTENCE_WORDS = 40;
/** Pseudo-sentences are cut to at most this many words. */
export const PSEUDO_SENTENCE_WORDS = 20;
/**
 * A pause this long ends a pseudo-sentence whatever its length: the pause at
 * which @mediaflow/speech ends a phrase of pocketsphinx's, so each phrase
 * the recogniser heard is a sentence here.
 */
export const SENTENCE_PAUSE_SECONDS = 0.5;

// Abbreviations whose period never ends a sentence: titles before a name, and a few Latin ones.
const NEVER_END = new Set(
  'mr mrs ms mx dr prof sr jr st mt rev fr hon gen col lt sgt capt cpt maj adm gov sen rep pres supt e.g i.e cf vs viz'.split(
    ' ',
  ),
);
// Abbreviations that stand before a number: "No. 5", "Fig. 3", "p. 12".
const BEFORE_NUMBERS = new Set('no nos vol vols fig figs ch sec p pp art eq ex ed'.split(' '));

const TERMINAL = /(?:[.!?]+|…)["'”’)\]]*$/;
const OPENERS = /^["'“‘([]+/;

/** Whether the text marks its sentences' ends at all (a recogniser's often does not). */
export function hasSentencePunctuation(text: string): boolean {
  return /[\p{L}\p{N}"'”’)\]](?:[.!?]+|…)["'”’)\]]*(?:\s|$)/u.test(text);
}

/**
 * Splits punctuated text into sentences. A blank line always ends one. A
 * `.`, `!`, `?` or `…` (closing quotes or brackets after it included) ends
 * one when what follows starts like a sentence: a capital, a digit, an
 * opening quote. Decimals (`3.14`), initials (`J. R. R. Tolkien`), titles
 * (`Dr. Smith`) and known abbreviations (`e.g. this`, `No. 5`) do not.
 */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    const tokens = paragraph.split(/\s+/).filter(Boolean);
    let current: string[] = [];
    tokens.forEach((token, i) => {
      current.push(token);
      if (endsSentence(token, tokens[i + 1])) {
        sentences.push(current.join(' '));
        current = [];
      }
    });
    if (current.length > 0) sentences.push(current.join(' '));
  }
  return sentences.filter((s) => countWords(s) > 0);
}

function endsSentence(token: string, next: string | undefined): boolean {
  if (!TERMINAL.test(token)) return false;
  if (next === undefined) return true;
  const nextStart = next.replace(OPENERS, '');
  const opensSentence = next !== nextStart || /^[\p{Lu}\p{N}]/u.test(nextStart);
  if (!opensSentence) return false;
  if (!/[^.]\.["'”’)\]]*$/.test(token)) return true; // `!`, `?`, `…`, `...`: a real end.

  // A single period: an abbreviation's, or the sentence's?
  const word = token.replace(OPENERS, '').replace(/\.["'”’)\]]*$/, '');
  const lower = word.toLowerCase();
  if (NEVER_END.has(lower)) return false;
  if (BEFORE_NUMBERS.has(lower)) return !/^\p{N}/u.test(nextStart);
  // An initial before a name: "J. R. R. Tolkien", "George W. Bush" (but "so did I. Then").
  if (/^\p{Lu}$/u.test(word) && word !== 'I') return false;
  return true;
}

/**
 * Pseudo-sentences from timed pieces of unpunctuated speech: cut at every
 * pause of `SENTENCE_PAUSE_SECONDS` or more, then, while a piece is longer than
 * `PSEUDO_SENTENCE_WORDS`, at its longest pause (the one nearest its middle
 * on a tie), and by word count where there is no pause to cut at. Each is
 * capitalised and ends with a period, so that a summary reads as sentences.
 */
export function pseudoSentences(pieces: readonly TimedText[]): string[] {
  const units = pieces.filter((piece) => countWords(piece.text) > 0);
  const runs: TimedText[][] = [];
  let run: TimedText[] = [];
  units.forEach((unit, i) => {
    if (i > 0 && unit.start - units[i - 1]!.end >= SENTENCE_PAUSE_SECONDS && run.length > 0) {
      runs.push(run);
      run = [];
    }
    run.push(unit);
  });
  if (run.length > 0) runs.push(run);
  return runs.flatMap(cutAtPauses).map(asSentence);
}

function cutAtPauses(units: TimedText[]): string[] {
  const words = units.map((unit) => countWords(unit.text));
  const total = words.reduce((a, b) => a + b, 0);
  if (total <= PSEUDO_SENTENCE_WORDS) return [units.map((u) => u.text.trim()).join(' ')];

  // The boundary before units[best]: the longest pause, then the one nearest the middle.
  let best = -1;
  let bestGap = 0;
  let bestDistance = Infinity;
  let before = 0;
  for (let i = 1; i < units.length; i++) {
    before += words[i - 1]!;
    const gap = units[i]!.start - units[i - 1]!.end;
    const distance = Math.abs(total / 2 - before);
    if (gap > bestGap || (gap === bestGap && gap > 0 && distance < bestDistance)) {
      best = i;
      bestGap = gap;
      bestDistance = distance;
    }
  }
  if (best > 0) return [...cutAtPauses(units.slice(0, best)), ...cutAtPauses(units.slice(best))];
  return chunkWords(units.map((u) => u.text.trim()).join(' '), PSEUDO_SENTENCE_WORDS);
}

/** `text` in pieces of at most `maxWords` words, as even as they can be. */
export function chunkWords(text: string, maxWords: number): string[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const total = tokens.filter(isWord).length;
  if (total <= maxWords) return [tokens.join(' ')];
  const size = Math.ceil(total / Math.ceil(total / maxWords));
  const chunks: string[] = [];
  let chunk: string[] = [];
  let words = 0;
  for (const token of tokens) {
    if (isWord(token) && words === size) {
      chunks.push(chunk.join(' '));
      chunk = [];
      words = 0;
    }
    chunk.push(token);
    if (isWord(token)) words++;
  }
  if (chunk.length > 0) chunks.push(chunk.join(' '));
  return chunks;
}

function asSentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return TERMINAL.test(capitalised) ? capitalised : `${capitalised.replace(/[,;:]+$/, '')}.`;
}

/** What a text to summarise is made of: its words, and its timed pieces when it has them. */
export interface SourceText {
  text: string;
  /** A transcript's words (or segments), a track's cues: their pauses cut unpunctuated speech. */
  timed?: readonly TimedText[];
}

/**
 * The sentences to rank. Punctuated text is split at its sentences' ends,
 * a run-on cut by word count; unpunctuated text is cut into pseudo-sentences
 * at its pauses when it has times, by word count when it has not.
 */
export function sentencesOf(source: SourceText): string[] {
  if (hasSentencePunctuation(source.text)) {
    return splitSentences(source.text).flatMap((sentence) =>
      countWords(sentence) > MAX_SENTENCE_WORDS
        ? chunkWords(sentence, PSEUDO_SENTENCE_WORDS)
        : [sentence],
    );
  }
  if (source.timed && source.timed.length > 0) return pseudoSentences(source.timed);
  if (countWords(source.text) === 0) return [];
  return chunkWords(source.text.trim(), PSEUDO_SENTENCE_WORDS).map(asSentence);
}
