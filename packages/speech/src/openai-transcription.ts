import { z } from 'zod';
import { roundTime, segmentWords } from './transcript-segments';
import type { TranscriptSegment, TranscriptWord } from './transcript';

const WordSchema = z.object({
  word: z.string(),
  start: z.number(),
  end: z.number(),
  /** faster-whisper-server and whisper.cpp give each word's probability. */
  probability: z.number().optional(),
});

const SegmentSchema = z.object({
  start: z.number(),
  end: z.number(),
  text: z.string(),
  /** Some servers (whisper.cpp, faster-whisper) nest the words in their segments. */
  words: z.array(WordSchema).nullish(),
});

/**
 * OpenAI's `verbose_json` transcription (the fields read here; others pass):
 * `{ text, language, duration, segments: [{ start, end, text, … }], words: [{ word, start, end }] }`.
 */
export const VerboseTranscriptionSchema = z.object({
  text: z.string(),
  segments: z.array(SegmentSchema).nullish(),
  words: z.array(WordSchema).nullish(),
});
export type VerboseTranscription = z.infer<typeof VerboseTranscriptionSchema>;
type ApiWord = z.infer<typeof WordSchema>;
type ApiSegment = z.infer<typeof SegmentSchema>;

/** A verbose transcription with text but not a single time: the server ignored `verbose_json`. */
export class UntimedTranscriptionError extends Error {}

/**
 * The segments of one verbose transcription, with times moved by `offset`
 * seconds (where its chunk starts in the media). Words come from the
 * segment when it has them, else from the top-level `words` that fall in it
 * (by their middle), else, for a server that gives no word times, are
 * spread over the segment by their length, so that captions can still
 * follow them. Without segments, the words are grouped at pauses. Pure.
 */
export function segmentsOfTranscription(
  answer: VerboseTranscription,
  offset: number,
): TranscriptSegment[] {
  const topWords = [...(answer.words ?? [])].sort((a, b) => a.start - b.start);
  const apiSegments = [...(answer.segments ?? [])].sort((a, b) => a.start - b.start);
  if (apiSegments.length === 0) {
    if (topWords.length === 0) {
      if (answer.text.trim() !== '') throw new UntimedTranscriptionError();
      return [];
    }
    return segmentWords(topWords.flatMap((word) => wordOf(word, offset)));
  }

  const assigned = assignWords(topWords, apiSegments);
  const segments: TranscriptSegment[] = [];
  apiSegments.forEach((segment, i) => {
    const text = segment.text.trim();
    const own = segment.words?.length ? segment.words : assigned[i]!;
    const words =
      own.length > 0
        ? own.flatMap((word) => wordOf(word, offset))
        : spreadWords(text, segment.start + offset, segment.end + offset);
    if (text === '' && words.length === 0) return;
    segments.push({
      start: roundTime(segment.start + offset),
      end: roundTime(Math.max(segment.start, segment.end) + offset),
      text: text || words.map((word) => word.word).join(' '),
      words,
    });
  });
  return segments;
}

/** Each top-level word to the segment its middle falls in; the ones after the last segment to the last. */
function assignWords(words: readonly ApiWord[], segments: readonly ApiSegment[]): ApiWord[][] {
  const assigned: ApiWord[][] = segments.map(() => []);
  let s = 0;
  for (const word of words) {
    const middle = (word.start + word.end) / 2;
    while (s < segments.length - 1 && middle >= segments[s]!.end) s++;
    assigned[s]!.push(word);
  }
  return assigned;
}

function wordOf(word: ApiWord, offset: number): TranscriptWord[] {
  // Whisper servers put the space before a word into it (" hello").
  const text = word.word.trim();
  if (text === '') return [];
  const start = roundTime(word.start + offset);
  const entry: TranscriptWord = {
    word: text,
    start,
    end: Math.max(start, roundTime(word.end + offset)),
  };
  if (word.probability !== undefined) entry.confidence = Math.min(1, Math.max(0, word.probability));
  return [entry];
}

/** Times for a segment's words by their share of its characters. */
export function spreadWords(text: string, start: number, end: number): TranscriptWord[] {
  const tokens = text.split(/\s+/).filter((token) => token !== '');
  // Characters and the spaces between: the first word starts the segment, the last ends it.
  const total = tokens.reduce((sum, token) => sum + token.length, 0) + tokens.length - 1;
  const span = Math.max(0, end - start);
  let at = 0;
  return tokens.map((token) => {
    const from = start + (span * at) / total;
    at += token.length;
    const to = start + (span * at) / total;
    at += 1;
    return { word: token, start: roundTime(from), end: roundTime(to) };
  });
}
