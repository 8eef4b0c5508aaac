import type { Transcript } from '@mediaflow/speech';

/** A word as a caption shows it: its text (with the punctuation the transcript has), its times. */
export interface CaptionWord {
  text: string;
  start: number;
  end: number;
  /** Ends a sentence (`.`, `?`, `!`, `…`, before any closing quote or bracket). */
  sentenceEnd: boolean;
}

const SENTENCE_END = /[.!?…]["'”’)\]]*$/;

/**
 * The transcript's words for captions. A provider's word list often has no
 * punctuation (OpenAI's `words`) while its segment text does: when a
 * segment's text has as many words as its word list, the text's own words
 * (punctuated, cased) are shown with the list's times; otherwise the list's
 * words are, and a segment whose text ends a sentence ends one on its last
 * word. Pure.
 */
export function captionWords(transcript: Transcript): CaptionWord[] {
  return transcript.segments.flatMap((segment) => {
    const tokens = segment.text.split(/\s+/).filter((token) => token !== '');
    const aligned = tokens.length === segment.words.length;
    const words = segment.words.flatMap((word, i) => {
      const text = (aligned ? tokens[i]! : word.word).trim();
      return text === ''
        ? []
        : [{ text, start: word.start, end: word.end, sentenceEnd: SENTENCE_END.test(text) }];
    });
    const last = words[words.length - 1];
    if (last && !aligned && SENTENCE_END.test(segment.text.trim())) last.sentenceEnd = true;
    return words;
  });
}
