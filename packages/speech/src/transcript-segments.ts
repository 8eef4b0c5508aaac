import type { Transcript, TranscriptSegment, TranscriptWord } from './transcript';

export interface SegmentRules {
  /** A silence at least this long between two words starts a new segment. */
  pauseSeconds: number;
  /** A segment is closed before it grows longer than this. */
  maxSeconds: number;
}

/** Phrases as a listener hears them: pauses between them, none too long. */
export const DEFAULT_SEGMENT_RULES: SegmentRules = { pauseSeconds: 0.5, maxSeconds: 10 };

/**
 * Groups a recogniser's words (in time order) into segments at pauses, for
 * recognisers that give words but no phrases (pocketsphinx). Pure.
 */
export function segmentWords(
  words: readonly TranscriptWord[],
  rules: SegmentRules = DEFAULT_SEGMENT_RULES,
): TranscriptSegment[] {
  const groups: TranscriptWord[][] = [];
  let current: TranscriptWord[] = [];
  for (const word of words) {
    const first = current[0];
    const last = current[current.length - 1];
    if (
      first &&
      last &&
      (word.start - last.end >= rules.pauseSeconds || word.end - first.start > rules.maxSeconds)
    ) {
      groups.push(current);
      current = [];
    }
    current.push(word);
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group) => ({
    start: group[0]!.start,
    end: group[group.length - 1]!.end,
    text: group.map((word) => word.word).join(' '),
    words: group,
  }));
}

/** The transcript of segments: its text is theirs, joined. */
export function transcriptOf(language: string, segments: TranscriptSegment[]): Transcript {
  return {
    language,
    text: segments
      .map((segment) => segment.text)
      .filter((text) => text !== '')
      .join(' '),
    segments,
  };
}

/** Rounds to milliseconds, as every time in a transcript is given. */
export function roundTime(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
