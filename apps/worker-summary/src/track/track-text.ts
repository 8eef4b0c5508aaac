import type { TimedText } from '../extractive/sentences';

/**
 * The words of a subtitle track (WebVTT or SubRip), for summarising: the
 * cues' text without their ids, timings, settings, markup and the lines
 * that rolling captions repeat from one cue to the next. Text without any
 * cue timing is taken as plain text.
 */
export interface TrackText {
  text: string;
  /** The cues with text, in order. */
  cues: TimedText[];
}

const TIMING =
  /^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})/;
/** Rolling captions repeat a line for a few cues; a line seen this recently is not said again. */
const REPEAT_WINDOW = 3;

export function trackText(content: string): TrackText {
  const lines = content
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  if (!lines.some((line) => TIMING.test(line))) {
    // A WebVTT file without cues says nothing; other text is read as it is, paragraphs kept.
    if (/^WEBVTT(?:\s|$)/.test(lines[0]!)) return { text: '', cues: [] };
    const text = lines
      .map(cleanLine)
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    return { text, cues: [] };
  }

  const cues: TimedText[] = [];
  const recent: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const timing = TIMING.exec(lines[i]!);
    i++;
    // Anything before a timing line is a header, a NOTE, a STYLE or REGION block, or a cue id.
    if (!timing) continue;
    const said: string[] = [];
    for (; i < lines.length && lines[i]!.trim() !== '' && !TIMING.test(lines[i]!); i++) {
      const line = cleanLine(lines[i]!);
      if (!line || recent.includes(line.toLowerCase())) continue;
      said.push(line);
      recent.push(line.toLowerCase());
      if (recent.length > REPEAT_WINDOW) recent.shift();
    }
    if (said.length > 0)
      cues.push({ start: seconds(timing[1]!), end: seconds(timing[2]!), text: said.join(' ') });
  }
  return { text: cues.map((cue) => cue.text).join(' '), cues };
}

/** A cue line as plain words: no tags (`<v Ann>`, `<i>`, `<00:01.000>`), no `{\an8}`, entities decoded. */
function cleanLine(line: string): string {
  const text = line
    .replace(/<[^>]*>/g, ' ')
    .replace(/\{\\[^}]*\}/g, ' ')
    .replace(/&(amp|lt|gt|quot|apos|nbsp|lrm|rlm|#\d+|#x[0-9a-f]+);/gi, entity)
    .replace(/[\u200e\u200f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // A thumbnails track's cues are picture references, not words.
  return /#xywh=/.test(text) ? '' : text;
}

function entity(match: string, name: string): string {
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    lrm: '',
    rlm: '',
  };
  const lower = name.toLowerCase();
  if (lower in named) return named[lower]!;
  const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
}

/** `01:02:03.500`, `02:03,500` or `2:03.5` in seconds. */
function seconds(time: string): number {
  const [clock, fraction = '0'] = time.split(/[.,]/);
  const parts = clock!.split(':').map(Number);
  const whole = parts.reduce((total, part) => total * 60 + part, 0);
  return whole + Number(`0.${fraction}`);
}
