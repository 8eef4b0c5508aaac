import type { CaptionWord } from './caption-words';

/** One caption on screen. */
export interface Cue {
  /** Seconds. */
  start: number;
  end: number;
  /** 1..max_lines lines of at most max_line_length characters. */
  lines: string[];
}

export interface CueRules {
  /** `max_line_length` (docs/task-kinds.md, 20..80, default 42). */
  maxLineLength: number;
  /** `max_lines` (1..3, default 2). */
  maxLines: number;
  /** No cue lasts longer (docs/task-kinds.md: 7 s). */
  maxCueSeconds: number;
  /** A silence this long between two words ends the cue: a caption is not left up over a pause. */
  pauseSeconds: number;
  /** How long a cue may stay after its last word, for the eye to finish reading… */
  lingerSeconds: number;
  /** …and the least time it is up, where the next cue leaves room. */
  minCueSeconds: number;
}

export const DEFAULT_CUE_RULES: CueRules = {
  maxLineLength: 42,
  maxLines: 2,
  maxCueSeconds: 7,
  pauseSeconds: 1,
  lingerSeconds: 0.5,
  minCueSeconds: 1,
};

/** The least length of a cue squeezed by its neighbours: players drop empty ones. */
const LEAST_CUE_SECONDS = 0.001;

/**
 * Lays out captions from timed words. Pure.
 *
 * Words fill a line up to `maxLineLength` characters, then the next line, up
 * to `maxLines`; a sentence's end starts a new line; a cue ends when its
 * lines are full, when the next word would take it past `maxCueSeconds`, or
 * at a pause of `pauseSeconds`. A cue starts at its first word's start and
 * ends at its last word's end, extended for reading by up to
 * `lingerSeconds` (or to `minCueSeconds` long) but never into the next cue,
 * past `maxCueSeconds` or past the media's `duration`. Cues never overlap and
 * follow each other in time; words after the end of the media are dropped.
 */
export function layoutCues(
  words: readonly CaptionWord[],
  rules: CueRules,
  duration: number | null = null,
): Cue[] {
  const end = duration ?? Infinity;
  const timed = words
    .filter((word) => word.text.trim() !== '' && word.start < end)
    .map((word) => ({ ...word, end: Math.min(Math.max(word.start, word.end), end) }))
    .sort((a, b) => a.start - b.start)
    .flatMap((word) => splitLongWord(word, rules.maxLineLength));
  const groups = groupWords(timed, rules);
  return timeCues(groups, rules, end);
}

interface CueDraft {
  words: CaptionWord[];
  lines: string[][];
}

function groupWords(words: readonly CaptionWord[], rules: CueRules): CueDraft[] {
  const drafts: CueDraft[] = [];
  let current: CueDraft | null = null;
  for (const word of words) {
    if (current && !place(current, word, rules)) current = null;
    if (!current) {
      current = { words: [word], lines: [[word.text]] };
      drafts.push(current);
    }
  }
  return drafts;
}

/** Puts the word into the cue if it belongs there; false when it starts the next cue. */
function place(cue: CueDraft, word: CaptionWord, rules: CueRules): boolean {
  const first = cue.words[0]!;
  const previous = cue.words[cue.words.length - 1]!;
  if (word.start - previous.end >= rules.pauseSeconds) return false;
  if (word.end - first.start > rules.maxCueSeconds) return false;
  const line = cue.lines[cue.lines.length - 1]!;
  const fits = [...line, word.text].join(' ').length <= rules.maxLineLength;
  if (fits && !previous.sentenceEnd) {
    line.push(word.text);
  } else if (cue.lines.length < rules.maxLines) {
    cue.lines.push([word.text]);
  } else {
    return false;
  }
  cue.words.push(word);
  return true;
}

function timeCues(drafts: readonly CueDraft[], rules: CueRules, mediaEnd: number): Cue[] {
  const cues: Cue[] = [];
  let previousEnd = 0;
  drafts.forEach((draft, i) => {
    const first = draft.words[0]!;
    const last = draft.words[draft.words.length - 1]!;
    const start = Math.max(first.start, previousEnd);
    if (start >= mediaEnd) return;
    const next = drafts[i + 1]?.words[0]!.start ?? Infinity;
    const wanted = Math.max(last.end + rules.lingerSeconds, start + rules.minCueSeconds);
    let end = Math.min(wanted, next, mediaEnd, start + rules.maxCueSeconds);
    // Words that overlap the next cue's (a provider's rounding) still leave a visible cue.
    if (end <= start) end = Math.min(start + LEAST_CUE_SECONDS, mediaEnd);
    if (end <= start) return;
    const cue = {
      start: round(start),
      end: round(end),
      lines: draft.lines.map((line) => line.join(' ')),
    };
    cues.push(cue);
    previousEnd = cue.end;
  });
  return cues;
}

/** A word longer than a line, cut into line-long pieces sharing its time by length. */
function splitLongWord(word: CaptionWord, maxLength: number): CaptionWord[] {
  if (word.text.length <= maxLength) return [word];
  const pieces: CaptionWord[] = [];
  const span = word.end - word.start;
  for (let at = 0; at < word.text.length; at += maxLength) {
    const text = word.text.slice(at, at + maxLength);
    const last = at + maxLength >= word.text.length;
    pieces.push({
      text,
      start: word.start + (span * at) / word.text.length,
      end: word.start + (span * Math.min(word.text.length, at + maxLength)) / word.text.length,
      sentenceEnd: last && word.sentenceEnd,
    });
  }
  return pieces;
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
